using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace AgentFlow.Host.Tests.Plugins;

/// <summary>
/// Builds plugin projects (samples/*, tests/plugins/*) at test time, so a test can install version 1.0.0 of a plugin,
/// then 2.0.0, and watch the host swap them. Each build gets its own output and intermediate directories under a
/// temporary folder, so concurrent or repeated builds of the same project with different versions never collide.
/// </summary>
/// <remarks>
/// The build runs with <c>--no-restore --no-dependencies</c>: the contract projects it references are the ones the test
/// project itself was built with (same configuration), and their output is only read. The project is restored once
/// per test process first (a no-op when the solution was restored).
/// </remarks>
internal static partial class PluginBuilder
{
    /// <summary>The weather skill-pack sample (plugin id <c>sample.weather-skills</c>).</summary>
    public const string WeatherSkills = "samples/skill-pack/AgentFlow.Samples.WeatherSkills";

    /// <summary>The directory deploy-target sample (plugin id <c>sample.directory-target</c>).</summary>
    public const string DirectoryTarget = "samples/deploy-target/AgentFlow.Samples.DirectoryTarget";

    /// <summary>A plugin whose skill pack's constructor throws (plugin id <c>test.throwing</c>).</summary>
    public const string Throwing = "tests/plugins/AgentFlow.TestPlugins.Throwing";

    /// <summary>The id in the manifest <see cref="WriteCorruptPlugin"/> writes.</summary>
    public const string CorruptPluginId = "test.corrupt";

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(3);

    // One restore per project and test process: restoring rewrites obj/project.assets.json, which concurrent builds read.
    private static readonly ConcurrentDictionary<string, Lazy<Task>> Restores = new(StringComparer.Ordinal);

    // Variables `dotnet test` or an IDE may set for its own MSBuild; a child `dotnet build` must find its own.
    private static readonly string[] InheritedMsBuildVariables =
        ["MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly", "MSBUILDNOINPROCNODE"];

    /// <summary>The repository root: the nearest folder above the test binaries that holds AgentFlow.sln.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>
    /// Builds a plugin project with the given version and copies the plugin's own files (plugin.json, its assembly,
    /// pdb, deps.json and private dependencies; never the AgentFlow.*.Abstractions contracts) into
    /// <paramref name="outputDir"/>, ready to be dropped into a plugins directory.
    /// </summary>
    /// <param name="sampleProjectDir">The project folder, absolute or relative to the repository root (see the constants).</param>
    /// <param name="outputDir">The plugin folder to fill; created when missing.</param>
    /// <param name="version">The plugin version (semantic version), stamped on the assembly and written to plugin.json.</param>
    /// <param name="ct">Cancels the build (the build process is killed).</param>
    /// <param name="log">Where to report the build time; the test output when null (the benchmark passes its console).</param>
    /// <returns><paramref name="outputDir"/>.</returns>
    public static async Task<string> BuildAsync(string sampleProjectDir, string outputDir, string version, CancellationToken ct, Action<string>? log = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sampleProjectDir);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDir);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        if (!VersionPattern().IsMatch(version))
        {
            // The version lands on a command line and in plugin.json: keep it to what a semantic version can hold.
            throw new ArgumentException($"\"{version}\" is not a semantic version.", nameof(version));
        }

        var projectDir = Path.GetFullPath(Path.Combine(RepositoryRoot, sampleProjectDir));
        var project = Directory.GetFiles(projectDir, "*.csproj") switch
        {
            [var single] => single,
            var found => throw new InvalidOperationException($"Expected one project file in {projectDir}, found {found.Length}."),
        };

        var stopwatch = Stopwatch.StartNew();
        await Restores.GetOrAdd(project, p => new Lazy<Task>(() => RunDotnetAsync(["restore", p, "--nologo", "-v:q"], CancellationToken.None))).Value.WaitAsync(ct);

        var scratch = Path.Combine(Path.GetTempPath(), "agentflow-plugin-builds", $"{Path.GetFileNameWithoutExtension(project)}-{version}-{Guid.NewGuid():N}");
        var binDir = Path.Combine(scratch, "bin") + Path.DirectorySeparatorChar;
        var objDir = Path.Combine(scratch, "obj") + Path.DirectorySeparatorChar;
        try
        {
            // --disable-build-servers: a compiler server or MSBuild node left running would keep the output pipes open
            // (and outlive the test run). The sample csproj keeps PluginVersion/OutDir/IntermediateOutputPath from
            // flowing to the contract projects (GlobalPropertiesToRemove), so they resolve to their usual output.
            await RunDotnetAsync(
                [
                    "build", project, "--no-restore", "--no-dependencies", "--disable-build-servers", "--nologo", "-v:q",
                    "-c", Configuration,
                    $"-p:PluginVersion={version}",
                    $"-p:OutDir={binDir}",
                    $"-p:IntermediateOutputPath={objDir}",
                ],
                ct);

            Directory.CreateDirectory(outputDir);
            var copied = CopyPluginFiles(binDir, outputDir);
            (log ?? TestOutput.WriteLine)(
                $"PluginBuilder: built {Path.GetFileName(projectDir)} {version} in {stopwatch.Elapsed.TotalSeconds:F1} s; {copied} file(s) copied to {outputDir}.");
            return outputDir;
        }
        finally
        {
            TryDelete(scratch);
        }
    }

    /// <summary>
    /// Writes a plugin that cannot load into <paramref name="dir"/>: a valid plugin.json (id <see cref="CorruptPluginId"/>)
    /// whose entry assembly is garbage bytes.
    /// </summary>
    /// <param name="dir">The plugin folder; created when missing.</param>
    /// <returns><paramref name="dir"/>.</returns>
    public static string WriteCorruptPlugin(string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "plugin.json"), $$"""
            {
              "id": "{{CorruptPluginId}}",
              "version": "1.0.0",
              "displayName": "Corrupt plugin (test)",
              "minimumAgentFlowVersion": "0.1.0",
              "entryAssembly": "Test.Corrupt.dll"
            }
            """);

        // Starts like a PE file ("MZ") so it is taken for an assembly, then nothing a loader can read.
        var garbage = new byte[4096];
        new Random(42).NextBytes(garbage);
        garbage[0] = (byte)'M';
        garbage[1] = (byte)'Z';
        File.WriteAllBytes(Path.Combine(dir, "Test.Corrupt.dll"), garbage);
        return dir;
    }

    // Everything the build produced except the contracts (the host provides them; a private copy is never used).
    private static int CopyPluginFiles(string binDir, string outputDir)
    {
        var copied = 0;
        foreach (var file in Directory.EnumerateFiles(binDir, "*", SearchOption.AllDirectories))
        {
            if (ContractFile().IsMatch(Path.GetFileName(file)))
            {
                continue;
            }

            var target = Path.Combine(outputDir, Path.GetRelativePath(binDir, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
            copied++;
        }

        return copied;
    }

    private static async Task RunDotnetAsync(IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var variable in InheritedMsBuildVariables)
        {
            start.Environment.Remove(variable);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started.");
        var output = new StringBuilder();
        var stdout = PumpAsync(process.StandardOutput, output);
        var stderr = PumpAsync(process.StandardError, output);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(BuildTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            await Task.WhenAll(stdout, stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            string text;
            lock (output)
            {
                text = output.ToString();
            }

            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:{Environment.NewLine}{text}");
        }
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder sink)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (sink)
            {
                sink.AppendLine(line);
            }
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AgentFlow.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds AgentFlow.sln.");
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (IOException)
        {
            // A scratch folder left behind in the temp directory is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [GeneratedRegex(@"^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^AgentFlow\.[A-Za-z.]*Abstractions\.", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ContractFile();
}
