using System.Globalization;
using System.Text;
using AgentFlow.Plugins.Deployment;
using AgentFlow.Plugins.Skills;
using Microsoft.Extensions.Logging;

namespace AgentFlow.Samples.DirectoryTarget;

/// <summary>
/// A deploy target that "deploys" an agent by writing its workspace (under <c>workspace/</c>) and an env file
/// (<c>agent.env</c>) into a directory on the server, with a marker file (<c>.agentflow-deployment</c>) recording which
/// deployment owns the directory and whether it is "running". Nothing is started: the sample shows the contract —
/// idempotent phases, per-deployment data in <see cref="DeployContext.State"/>, progress through
/// <see cref="DeployContext.Log"/> — without needing Docker or a cloud account.
/// </summary>
/// <remarks>
/// The loader creates one instance from its small service container (logger, logger factory, HTTP client factory,
/// time provider) and uses it for every deployment at once, so the class keeps no per-deployment fields.
/// </remarks>
public sealed partial class DirectoryDeployTarget : IDeployTarget
{
    private const string PathKey = "path";
    private const string OverwriteKey = "overwrite";
    private const string LabelKey = "label";
    private const string DirectoryStateKey = "directory";
    private const string WorkspaceFolder = "workspace";
    private const string EnvFileName = "agent.env";

    private static readonly string[] Labels = ["development", "staging", "production"];

    private readonly ILogger<DirectoryDeployTarget> _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the target with what the host's plugin container offers.</summary>
    public DirectoryDeployTarget(ILogger<DirectoryDeployTarget> logger, TimeProvider time)
    {
        _logger = logger;
        _time = time;
    }

    /// <inheritdoc />
    public string Id => "directory";

    /// <inheritdoc />
    public string DisplayName => "Directory (sample)";

    /// <inheritdoc />
    public string Description =>
        "Writes the agent's workspace and env file into a directory on the server (sample plugin: nothing is started).";

    /// <inheritdoc />
    public IReadOnlyList<DeployConfigField> ConfigSchema { get; } =
    [
        new(PathKey, "Directory", ConfigFieldKind.Text, Required: true)
        {
            Description = "Absolute path of the directory to write to; created when missing.",
        },
        new(OverwriteKey, "Overwrite", ConfigFieldKind.Boolean, Required: false)
        {
            Description = "Use the directory even when it holds other files or another deployment.",
            DefaultValue = "false",
        },
        new(LabelKey, "Label", ConfigFieldKind.Select, Required: false)
        {
            Description = "Written to the env file as AGENTFLOW_DEPLOY_LABEL.",
            DefaultValue = "development",
            Options = [.. Labels.Select(l => new ConfigOption(CultureInfo.InvariantCulture.TextInfo.ToTitleCase(l), l))],
        },
    ];

    /// <inheritdoc />
    public Task<IReadOnlyList<DeployProblem>> ValidateAsync(DeployContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problems = new List<DeployProblem>();
        var path = context.Config.GetValueOrDefault(PathKey)?.Trim();
        if (string.IsNullOrEmpty(path))
        {
            problems.Add(new(PathKey, "The directory is required."));
        }
        else if (!Path.IsPathFullyQualified(path))
        {
            problems.Add(new(PathKey, $"\"{path}\" is not an absolute path."));
        }

        if (!TryReadOverwrite(context, out var overwrite))
        {
            problems.Add(new(OverwriteKey, "Overwrite must be true or false."));
        }

        var label = context.Config.GetValueOrDefault(LabelKey);
        if (!string.IsNullOrEmpty(label) && !Labels.Contains(label, StringComparer.Ordinal))
        {
            problems.Add(new(LabelKey, $"The label must be one of {string.Join(", ", Labels)}."));
        }

        if (problems.Count == 0)
        {
            var directory = Path.GetFullPath(path!);
            if (!CanWrite(directory))
            {
                problems.Add(new(PathKey, $"The server cannot write to \"{directory}\" (or to the nearest existing parent)."));
            }
            else if (!overwrite && Directory.Exists(directory))
            {
                var marker = Marker.Read(directory);
                if (marker is not null && marker.DeploymentId != context.DeploymentId)
                {
                    problems.Add(new(PathKey, $"\"{directory}\" holds another deployment ({marker.DeploymentId}); choose another directory or set overwrite."));
                }
                else if (marker is null && Directory.EnumerateFileSystemEntries(directory).Any())
                {
                    problems.Add(new(PathKey, $"\"{directory}\" is not empty; choose an empty directory or set overwrite."));
                }
            }
        }

        context.Log.Info(problems.Count == 0 ? "Directory target: configuration is valid." : $"Directory target: {problems.Count} problem(s) found.");
        return Task.FromResult<IReadOnlyList<DeployProblem>>(problems);
    }

    /// <inheritdoc />
    public Task<DeployStepResult> ProvisionAsync(DeployContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var directory = DirectoryOf(context);
        Directory.CreateDirectory(directory);

        // Idempotent: a second run (after a crash) keeps what an earlier phase recorded.
        var marker = Marker.Read(directory);
        if (marker is null || marker.DeploymentId != context.DeploymentId)
        {
            WriteMarker(directory, context, "provisioned");
        }

        context.Log.Info($"Provisioned {directory}.");
        LogPhase(_logger, "provision", context.DeploymentId, directory);
        return Task.FromResult(DeployStepResult.Ok($"Directory {directory} is ready.", new Dictionary<string, string> { [DirectoryStateKey] = directory }));
    }

    /// <inheritdoc />
    public Task<DeployStepResult> ConfigureAsync(DeployContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var directory = DirectoryOf(context);
        if (Marker.Read(directory) is not { } marker || marker.DeploymentId != context.DeploymentId)
        {
            return Task.FromResult(DeployStepResult.Failed($"{directory} is not provisioned for this deployment; run the provision phase first."));
        }

        var files = WriteFiles(directory, context, cancellationToken);
        // A configured agent that was running stays running (configure may be re-run on a live deployment).
        WriteMarker(directory, context, marker.Status == "running" ? "running" : "configured");
        LogPhase(_logger, "configure", context.DeploymentId, directory);
        return Task.FromResult(DeployStepResult.Ok($"Wrote {files} workspace file(s) and {EnvFileName}."));
    }

    /// <inheritdoc />
    public Task<DeployStepResult> DeployAsync(DeployContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Task.FromResult(SetStatus(context, "running", "deploy", "started"));
    }

    /// <inheritdoc />
    public Task<DeployStepResult> VerifyAsync(DeployContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var directory = DirectoryOf(context);
        var marker = Marker.Read(directory);
        if (marker is null || marker.DeploymentId != context.DeploymentId)
        {
            return Task.FromResult(DeployStepResult.Failed($"No deployment marker in {directory}."));
        }

        if (!File.Exists(Path.Combine(directory, EnvFileName)))
        {
            return Task.FromResult(DeployStepResult.Failed($"{EnvFileName} is missing in {directory}."));
        }

        var missing = context.Workspace.Keys.Where(f => !File.Exists(WorkspacePath(directory, f))).ToList();
        if (missing.Count > 0)
        {
            return Task.FromResult(DeployStepResult.Failed($"{missing.Count} workspace file(s) missing, e.g. {missing[0]}."));
        }

        if (marker.Status != "running")
        {
            return Task.FromResult(DeployStepResult.Failed($"The deployment is {marker.Status}, not running.", retryable: true));
        }

        context.Log.Info($"Verified {directory}: marker, env file and {context.Workspace.Count} workspace file(s) present.");
        return Task.FromResult(DeployStepResult.Ok("The deployment is in place."));
    }

    /// <inheritdoc />
    public Task<DeploymentStatus> GetStatusAsync(DeployContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        string directory;
        try
        {
            directory = DirectoryOf(context);
        }
        catch (InvalidOperationException ex)
        {
            return Task.FromResult(new DeploymentStatus(DeploymentState.Unknown, ex.Message));
        }

        Marker? marker;
        try
        {
            marker = Marker.Read(directory);
        }
        catch (IOException ex)
        {
            return Task.FromResult(new DeploymentStatus(DeploymentState.Unknown, $"Cannot read the marker: {ex.Message}"));
        }

        if (marker is null || marker.DeploymentId != context.DeploymentId)
        {
            return Task.FromResult(new DeploymentStatus(DeploymentState.NotDeployed, $"Nothing of this deployment in {directory}."));
        }

        var state = marker.Status switch
        {
            "running" => DeploymentState.Running,
            "stopped" => DeploymentState.Stopped,
            "provisioned" or "configured" => DeploymentState.Starting,
            _ => DeploymentState.Unknown,
        };
        return Task.FromResult(new DeploymentStatus(state, $"{marker.Status} since {marker.UpdatedAt}")
        {
            Details = new Dictionary<string, string>
            {
                [DirectoryStateKey] = directory,
                [LabelKey] = marker.Label,
                ["updatedAt"] = marker.UpdatedAt,
            },
        });
    }

    /// <inheritdoc />
    public Task<DeployStepResult> StopAsync(DeployContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var directory = DirectoryOf(context);
        if (Marker.Read(directory) is not { } marker || marker.DeploymentId != context.DeploymentId)
        {
            // Idempotent: stopping what is not there is done already.
            context.Log.Info($"Nothing to stop in {directory}.");
            return Task.FromResult(DeployStepResult.Ok("Nothing to stop."));
        }

        return Task.FromResult(SetStatus(context, "stopped", "stop", "stopped"));
    }

    /// <inheritdoc />
    public Task<DeployStepResult> RestartAsync(DeployContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Log.Info("Restarting: stop, then start.");
        var stopped = SetStatus(context, "stopped", "restart", "stopped");
        return Task.FromResult(stopped.Succeeded ? SetStatus(context, "running", "restart", "started again") : stopped);
    }

    /// <inheritdoc />
    public Task<DeployStepResult> HotUpdateAsync(DeployContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var directory = DirectoryOf(context);
        if (Marker.Read(directory) is not { } marker || marker.DeploymentId != context.DeploymentId)
        {
            return Task.FromResult(DeployStepResult.Failed($"{directory} holds no deployment to update."));
        }

        var files = WriteFiles(directory, context, cancellationToken);
        WriteMarker(directory, context, marker.Status);
        LogPhase(_logger, "hot-update", context.DeploymentId, directory);
        return Task.FromResult(DeployStepResult.Ok($"Updated in place: {files} workspace file(s) and {EnvFileName} rewritten."));
    }

    /// <inheritdoc />
    public Task<DeployStepResult> DestroyAsync(DeployContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var directory = DirectoryOf(context);
        var marker = Directory.Exists(directory) ? Marker.Read(directory) : null;
        if (marker is null || marker.DeploymentId != context.DeploymentId)
        {
            context.Log.Info($"Nothing of this deployment in {directory}; nothing to remove.");
            return Task.FromResult(DeployStepResult.Ok("Nothing to remove.", new Dictionary<string, string> { [DirectoryStateKey] = "" }));
        }

        // Only what this target wrote: an overwritten directory may hold files that were there before.
        var workspace = Path.Combine(directory, WorkspaceFolder);
        if (Directory.Exists(workspace))
        {
            Directory.Delete(workspace, recursive: true);
        }

        File.Delete(Path.Combine(directory, EnvFileName));
        File.Delete(Path.Combine(directory, Marker.FileName));
        if (!Directory.EnumerateFileSystemEntries(directory).Any())
        {
            Directory.Delete(directory);
        }

        context.Log.Info($"Removed the deployment's files from {directory}.");
        LogPhase(_logger, "destroy", context.DeploymentId, directory);
        return Task.FromResult(DeployStepResult.Ok($"Removed {directory}.", new Dictionary<string, string> { [DirectoryStateKey] = "" }));
    }

    private DeployStepResult SetStatus(DeployContext context, string status, string phase, string verb)
    {
        var directory = DirectoryOf(context);
        if (Marker.Read(directory) is not { } marker || marker.DeploymentId != context.DeploymentId)
        {
            return DeployStepResult.Failed($"{directory} holds no deployment; run provision and configure first.");
        }

        if (marker.Status == status)
        {
            context.Log.Info($"Already {status}.");
            return DeployStepResult.Ok($"Already {status}.");
        }

        WriteMarker(directory, context, status);
        context.Log.Info($"Agent {context.AgentName} {verb} in {directory}.");
        LogPhase(_logger, phase, context.DeploymentId, directory);
        return DeployStepResult.Ok($"Agent {verb}.");
    }

    // The directory provision resolved, remembered in State so later phases do not depend on the settings being re-read.
    private static string DirectoryOf(DeployContext context)
    {
        if (context.State.TryGetValue(DirectoryStateKey, out var remembered) && !string.IsNullOrEmpty(remembered))
        {
            return remembered;
        }

        var path = context.Config.GetValueOrDefault(PathKey)?.Trim();
        return string.IsNullOrEmpty(path) || !Path.IsPathFullyQualified(path)
            ? throw new InvalidOperationException("The directory setting is missing or not absolute.")
            : Path.GetFullPath(path);
    }

    private static bool TryReadOverwrite(DeployContext context, out bool overwrite)
    {
        var value = context.Config.GetValueOrDefault(OverwriteKey);
        overwrite = false;
        return string.IsNullOrEmpty(value) || bool.TryParse(value, out overwrite);
    }

    // Writes and deletes a probe file in the directory, or in its nearest existing parent when it does not exist yet.
    private static bool CanWrite(string directory)
    {
        var existing = directory;
        while (!Directory.Exists(existing))
        {
            existing = Path.GetDirectoryName(existing);
            if (existing is null)
            {
                return false;
            }
        }

        var probe = Path.Combine(existing, $".agentflow-probe-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static int WriteFiles(string directory, DeployContext context, CancellationToken cancellationToken)
    {
        // Replace the workspace as a whole: files removed from the agent's workspace must disappear here too.
        var workspace = Path.Combine(directory, WorkspaceFolder);
        if (Directory.Exists(workspace))
        {
            Directory.Delete(workspace, recursive: true);
        }

        Directory.CreateDirectory(workspace);
        foreach (var (relative, content) in context.Workspace)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = WorkspacePath(directory, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, content);
        }

        context.Log.Info($"Wrote {context.Workspace.Count} workspace file(s) to {workspace}.");

        var label = context.Config.GetValueOrDefault(LabelKey) is { Length: > 0 } l ? l : "development";
        var env = new StringBuilder();
        foreach (var (key, value) in context.Environment.Append(new("AGENTFLOW_DEPLOY_LABEL", label)).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            env.Append(key).Append('=').Append(value.ReplaceLineEndings(" ")).Append('\n');
        }

        var envPath = Path.Combine(directory, EnvFileName);
        File.WriteAllText(envPath, env.ToString());
        if (!OperatingSystem.IsWindows())
        {
            // The env file carries the agent's API key: readable by the server's user only.
            File.SetUnixFileMode(envPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        context.Log.Info($"Wrote {EnvFileName} ({context.Environment.Count + 1} variable(s)).");
        return context.Workspace.Count;
    }

    // A workspace path must stay inside workspace/: a "../" entry would write anywhere the server can.
    private static string WorkspacePath(string directory, string relative)
    {
        var root = Path.GetFullPath(Path.Combine(directory, WorkspaceFolder)) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(root, relative));
        return full.StartsWith(root, StringComparison.Ordinal)
            ? full
            : throw new InvalidOperationException($"Workspace file \"{relative}\" is outside the workspace.");
    }

    private void WriteMarker(string directory, DeployContext context, string status)
    {
        var label = context.Config.GetValueOrDefault(LabelKey) is { Length: > 0 } l ? l : "development";
        var marker = new Marker(context.DeploymentId, context.AgentId, status, label, _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        marker.Write(directory);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Directory target: {Phase} of deployment {DeploymentId} in {Directory}.")]
    private static partial void LogPhase(ILogger logger, string phase, Guid deploymentId, string directory);

    /// <summary>The marker file: which deployment owns the directory and where it is.</summary>
    private sealed record Marker(Guid DeploymentId, Guid AgentId, string Status, string Label, string UpdatedAt)
    {
        public const string FileName = ".agentflow-deployment";

        public static Marker? Read(string directory)
        {
            var path = Path.Combine(directory, FileName);
            if (!File.Exists(path))
            {
                return null;
            }

            var values = File.ReadAllLines(path)
                .Select(line => line.Split('=', 2))
                .Where(parts => parts.Length == 2)
                .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
            return Guid.TryParse(values.GetValueOrDefault("deploymentId"), out var deploymentId)
                && Guid.TryParse(values.GetValueOrDefault("agentId"), out var agentId)
                ? new Marker(deploymentId, agentId, values.GetValueOrDefault("status") ?? "", values.GetValueOrDefault("label") ?? "", values.GetValueOrDefault("updatedAt") ?? "")
                : null;
        }

        public void Write(string directory)
        {
            // Write then rename: a crash mid-write leaves the previous marker, never half of one.
            var path = Path.Combine(directory, FileName);
            var temp = path + ".tmp";
            File.WriteAllText(temp, $"deploymentId={DeploymentId}\nagentId={AgentId}\nstatus={Status}\nlabel={Label}\nupdatedAt={UpdatedAt}\n");
            File.Move(temp, path, overwrite: true);
        }
    }
}
