using System.Security.Cryptography;
using System.Text;

namespace AgentFlow.Host.Cli.Setup;

internal enum PlannedFileAction
{
    Create,
    Overwrite,

    /// <summary>Exists and is left alone (a Dockerfile the project ships).</summary>
    Keep,

    /// <summary>Exists and may only be replaced with <c>--force</c>.</summary>
    Refused,
}

internal sealed record PlannedFile(string Path, string Content, PlannedFileAction Action, string Purpose);

/// <summary>
/// Every file setup will write, with its content, decided before the database is touched: a refused overwrite
/// must stop setup up front, not after the owner was created.
/// </summary>
internal sealed class SetupFilePlan
{
    private SetupFilePlan(IReadOnlyList<PlannedFile> files) => Files = files;

    public IReadOnlyList<PlannedFile> Files { get; }

    public IEnumerable<PlannedFile> Refused => Files.Where(f => f.Action == PlannedFileAction.Refused);

    public static SetupFilePlan For(SetupAnswers answers)
    {
        var files = new List<PlannedFile>
        {
            Plan(answers, AgentFlowHostExtensions.SetupConfigurationFile, SetupConfigurationFile.Generate(answers), keepExisting: false, "configuration"),
        };
        foreach (var generator in GeneratorsFor(answers))
        {
            files.Add(Plan(answers, generator.FileName, generator.Generate(answers), generator.KeepExisting, "deployment"));
        }

        return new SetupFilePlan(files);
    }

    /// <summary>Writes the files that are not kept, in plan order. UTF-8 without a BOM: YAML and TOML readers expect that.</summary>
    public async Task<IReadOnlyList<PlannedFile>> WriteAsync(CancellationToken cancellationToken)
    {
        var written = new List<PlannedFile>();
        foreach (var file in Files.Where(f => f.Action is PlannedFileAction.Create or PlannedFileAction.Overwrite))
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file.Path)!);
            await File.WriteAllTextAsync(file.Path, file.Content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken);
            written.Add(file);
        }

        return written;
    }

    /// <summary>Creates the folder and writes a scratch file in it; the error message when that fails, else <see langword="null"/>.</summary>
    public static string? CheckWritable(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var probe = System.IO.Path.Combine(directory, $".agentflow-setup-{Guid.NewGuid():N}.tmp");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return exception.Message;
        }
    }

    private static IEnumerable<IDeploymentFileGenerator> GeneratorsFor(SetupAnswers answers)
    {
        IDeploymentFileGenerator? main = answers.Target switch
        {
            DeploymentTarget.Docker => new DockerComposeGenerator(DockerComposeGenerator.ReadPostgresPassword(answers.OutputDirectory) ?? GeneratePassword()),
            DeploymentTarget.Fly => new FlyTomlGenerator(),
            DeploymentTarget.Railway => new RailwayJsonGenerator(),
            _ => null,
        };
        if (main is null)
        {
            return [];
        }

        return [main, new DockerfileGenerator(), new DockerIgnoreGenerator()];
    }

    private static PlannedFile Plan(SetupAnswers answers, string fileName, string content, bool keepExisting, string purpose)
    {
        var path = System.IO.Path.Combine(answers.OutputDirectory, fileName);
        var action = !File.Exists(path) ? PlannedFileAction.Create
            : keepExisting ? PlannedFileAction.Keep
            : answers.Force ? PlannedFileAction.Overwrite
            : PlannedFileAction.Refused;
        return new PlannedFile(path, content, action, purpose);
    }

    /// <summary>Hex only, so the password needs no quoting in YAML, connection strings or shells.</summary>
    private static string GeneratePassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}
