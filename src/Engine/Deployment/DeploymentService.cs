using System.Text.Json;
using AgentFlow.Engine.Activity;
using AgentFlow.Engine.Agents;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Permissions;
using AgentFlow.Engine.Persistence;
using AgentFlow.Plugins.Deployment;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentFlow.Engine.Deployment;

public sealed class DeploymentOptions
{
    public const string SectionName = "AgentFlow:Deployment";

    /// <summary>Where the agents reach this server (the runtime hook); the Host fills it from its own address when empty.</summary>
    public string? ServerUrl { get; set; }

    /// <summary>Where deployments keep their files on this server; relative to the data directory.</summary>
    public string WorkingDirectory { get; set; } = "deployments";

    /// <summary>The data directory the working directory is relative to (set by the Host).</summary>
    public string DataDirectory { get; set; } = "data";
}

/// <summary>Keeps one health-recovery workflow running for a deployed agent (the Host implements it on the runtime).</summary>
public interface IHealthLoopLauncher
{
    Task EnsureRunningAsync(Guid orgId, Guid agentId, CancellationToken cancellationToken);
}

/// <summary>The phases of a deployment, in order.</summary>
public enum DeployPhase
{
    Validate,
    Provision,
    Configure,
    Deploy,
    Verify,
}

/// <summary>A phase's outcome as the workflow sees it.</summary>
public sealed record PhaseOutcome(bool Succeeded, string Message, bool Retryable = false);

/// <summary>
/// Runs deployment phases and operations of an agent on its deploy target (a plugin, held by a lease for the call),
/// keeping the target's state in <see cref="AgentDeployment"/> between phases, generating the workspace (configure, hot
/// update), issuing the agent's key whenever a process starts (deploy, restart: the previous key is revoked, and the
/// plaintext exists only in the process's environment), and reporting each step as a <c>deployment_phase</c> event.
/// </summary>
public sealed class DeploymentService(
    AgentFlowDbContext db, DeployTargetCatalog targets, ApiKeyService keys, PermissionProfileService profiles, IActivityRecorder recorder,
    IOptions<DeploymentOptions> options, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The agent's deployment row, created for its configured target when missing.</summary>
    public async Task<AgentDeployment> PrepareAsync(Guid agentId, string? deployedBy, CancellationToken cancellationToken = default)
    {
        var agent = await AgentAsync(agentId, cancellationToken);
        var target = AgentConfigView.Of(agent).Deployment.Target ?? throw InputValidationException.For("deployment.target", "The agent has no deployment target.");
        var row = await db.AgentDeployments.FirstOrDefaultAsync(d => d.AgentId == agentId, cancellationToken);
        var now = time.GetUtcNow();
        if (row is null)
        {
            row = new AgentDeployment { Id = Guid.CreateVersion7(), AgentId = agentId, Target = target, CreatedAt = now };
            db.AgentDeployments.Add(row);
        }

        row.Target = target;
        row.DeployedBy = deployedBy ?? row.DeployedBy;
        row.Phase = "requested";
        row.LastError = null;
        row.ConsecutiveFailures = 0;
        row.Health = "unknown";
        row.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return row;
    }

    /// <summary>The agent's lifecycle state now (null when it no longer exists).</summary>
    public async Task<string?> AgentStateAsync(Guid agentId, CancellationToken cancellationToken = default) =>
        await db.Agents.AsNoTracking().Where(a => a.Id == agentId).Select(a => a.State).FirstOrDefaultAsync(cancellationToken);

    public async Task<AgentDeployment?> FindAsync(Guid agentId, CancellationToken cancellationToken = default) =>
        await db.AgentDeployments.AsNoTracking().FirstOrDefaultAsync(d => d.AgentId == agentId, cancellationToken);

    public async Task SetHealthInstanceAsync(Guid agentId, Guid instanceId, CancellationToken cancellationToken = default) =>
        await db.AgentDeployments.Where(d => d.AgentId == agentId).ExecuteUpdateAsync(s => s.SetProperty(d => d.HealthInstanceId, instanceId), cancellationToken);

    public async Task SetWorkflowAsync(Guid agentId, Guid instanceId, CancellationToken cancellationToken = default) =>
        await db.AgentDeployments.Where(d => d.AgentId == agentId).ExecuteUpdateAsync(s => s.SetProperty(d => d.WorkflowInstanceId, instanceId), cancellationToken);

    /// <summary>Runs one phase; a failure is an outcome, not an exception (the workflow decides what follows).</summary>
    public async Task<PhaseOutcome> RunPhaseAsync(Guid agentId, DeployPhase phase, CancellationToken cancellationToken = default)
    {
        var name = phase.ToString().ToLowerInvariant();
        return await RunAsync(agentId, name, async (target, context) =>
        {
            switch (phase)
            {
                case DeployPhase.Validate:
                    var problems = await target.ValidateAsync(context, cancellationToken);
                    return problems.Count == 0
                        ? DeployStepResult.Ok("The configuration and the target's prerequisites are valid.")
                        : DeployStepResult.Failed(string.Join(" ", problems.Select(p => p.Field is null ? p.Message : $"{p.Field}: {p.Message}")));
                case DeployPhase.Provision:
                    return await target.ProvisionAsync(context, cancellationToken);
                case DeployPhase.Configure:
                    return await target.ConfigureAsync(context, cancellationToken);
                case DeployPhase.Deploy:
                    return await target.DeployAsync(context, cancellationToken);
                default:
                    return await target.VerifyAsync(context, cancellationToken);
            }
        }, issueKey: phase == DeployPhase.Deploy, cancellationToken);
    }

    public Task<PhaseOutcome> StopAsync(Guid agentId, CancellationToken cancellationToken = default) =>
        RunAsync(agentId, "stop", (target, context) => target.StopAsync(context, cancellationToken), false, cancellationToken, missingIsDone: true);

    public Task<PhaseOutcome> RestartAsync(Guid agentId, CancellationToken cancellationToken = default) =>
        RunAsync(agentId, "restart", (target, context) => target.RestartAsync(context, cancellationToken), true, cancellationToken);

    public Task<PhaseOutcome> HotUpdateAsync(Guid agentId, CancellationToken cancellationToken = default) =>
        RunAsync(agentId, "hot-update", (target, context) => target.HotUpdateAsync(context, cancellationToken), false, cancellationToken);

    /// <summary>Removes what the target created and revokes the agent's deployment key.</summary>
    public async Task<PhaseOutcome> DestroyAsync(Guid agentId, CancellationToken cancellationToken = default)
    {
        var outcome = await RunAsync(agentId, "destroy", (target, context) => target.DestroyAsync(context, cancellationToken), false, cancellationToken, missingIsDone: true);
        if (outcome.Succeeded && await FindAsync(agentId, cancellationToken) is { } row)
        {
            if (row.ApiKeyId is { } keyId)
            {
                await keys.RevokeAsync(keyId, cancellationToken);
            }

            await db.AgentDeployments.Where(d => d.Id == row.Id).ExecuteDeleteAsync(cancellationToken);
        }

        return outcome;
    }

    /// <summary>What the target reports now; Unknown when the target is not available.</summary>
    public async Task<DeploymentStatus> StatusAsync(Guid agentId, CancellationToken cancellationToken = default)
    {
        var row = await FindAsync(agentId, cancellationToken);
        if (row is null)
        {
            return new DeploymentStatus(DeploymentState.NotDeployed, "The agent has no deployment.");
        }

        using var lease = targets.Acquire(row.Target);
        if (lease is null)
        {
            return new DeploymentStatus(DeploymentState.Unknown, $"Deploy target \"{row.Target}\" is not available (no active plugin provides it).");
        }

        var agent = await AgentAsync(agentId, cancellationToken);
        try
        {
            return await lease.Target.GetStatusAsync(Context(row, agent, workspace: null, environment: null), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            return new DeploymentStatus(DeploymentState.Unknown, $"The target could not tell: {ex.Message}");
        }
    }

    private async Task<PhaseOutcome> RunAsync(Guid agentId, string step, Func<IDeployTarget, DeployContext, Task<DeployStepResult>> call, bool issueKey,
        CancellationToken cancellationToken, bool missingIsDone = false)
    {
        var agent = await AgentAsync(agentId, cancellationToken);
        var row = await db.AgentDeployments.FirstOrDefaultAsync(d => d.AgentId == agentId, cancellationToken);
        if (row is null)
        {
            return missingIsDone ? new PhaseOutcome(true, "Nothing is deployed.") : new PhaseOutcome(false, "The agent has no deployment; deploy it first.");
        }

        using var lease = targets.Acquire(row.Target);
        if (lease is null)
        {
            return await RecordAsync(row, agent, step, DeployStepResult.Failed($"Deploy target \"{row.Target}\" is not available: no active plugin provides it.", retryable: true), cancellationToken);
        }

        Dictionary<string, string>? environment = null;
        IReadOnlyDictionary<string, string>? workspace = null;
        if (step is "configure" or "hot-update")
        {
            var profile = await profiles.CompiledAsync(agentId, cancellationToken);
            workspace = AgentWorkspaceGenerator.Generate(AgentConfigView.Of(agent), profile, agent.CreatedAt);
        }

        if (issueKey)
        {
            environment = await IssueKeyAsync(row, agent, cancellationToken);
        }

        Record(agent, step, "started", null);
        DeployStepResult result;
        try
        {
            result = await call(lease.Target, Context(row, agent, workspace, environment));
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            result = DeployStepResult.Failed($"The target failed: {ex.Message}");
        }

        return await RecordAsync(row, agent, step, result, cancellationToken);
    }

    private async Task<Dictionary<string, string>> IssueKeyAsync(AgentDeployment row, Agent agent, CancellationToken cancellationToken)
    {
        // A new key per deployment: the previous one is revoked, so a removed deployment's copy stops working.
        if (row.ApiKeyId is { } old)
        {
            await keys.RevokeAsync(old, cancellationToken);
        }

        var creator = Guid.TryParse(row.DeployedBy, out var userId)
            ? await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => (Actor?)new Actor(u.Id, u.Role)).FirstOrDefaultAsync(cancellationToken)
            : null;
        if (creator is null)
        {
            throw new OperationNotAllowedException("DEPLOYER_UNKNOWN", "The deployment's operator is no longer a user of the organisation; deploy again.");
        }

        var created = await keys.CreateAsync(new CreateApiKeyCommand($"deployment {row.Id:N}", [ApiKeyScopes.Read], null, agent.Id), creator.Value, cancellationToken);
        row.ApiKeyId = created.Key.Id;
        await db.SaveChangesAsync(cancellationToken);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AGENTFLOW_SERVER_URL"] = options.Value.ServerUrl ?? "",
            ["AGENTFLOW_AGENT_ID"] = agent.Id.ToString(),
            ["AGENTFLOW_AGENT_KEY"] = created.Plaintext,
        };
    }

    private DeployContext Context(AgentDeployment row, Agent agent, IReadOnlyDictionary<string, string>? workspace, Dictionary<string, string>? environment)
    {
        var settings = options.Value;
        var directory = Path.Combine(Path.GetFullPath(settings.WorkingDirectory, Path.GetFullPath(settings.DataDirectory)), agent.Id.ToString("N"));
        Directory.CreateDirectory(directory);
        return new DeployContext(row.Id, agent.Id, agent.OrgId, agent.DisplayName ?? agent.Name)
        {
            State = JsonSerializer.Deserialize<Dictionary<string, string>>(row.State, Json) ?? [],
            Workspace = workspace ?? new Dictionary<string, string>(),
            Environment = environment ?? new Dictionary<string, string>(),
            WorkingDirectory = directory,
            Log = new ActivityDeployLog(recorder, agent.OrgId, agent.Id),
        };
    }

    private async Task<PhaseOutcome> RecordAsync(AgentDeployment row, Agent agent, string step, DeployStepResult result, CancellationToken cancellationToken)
    {
        var state = JsonSerializer.Deserialize<Dictionary<string, string>>(row.State, Json) ?? [];
        foreach (var (key, value) in result.State)
        {
            if (string.IsNullOrEmpty(value))
            {
                state.Remove(key);
            }
            else
            {
                state[key] = value;
            }
        }

        row.State = JsonSerializer.Serialize(state, Json);
        row.Phase = $"{step}:{(result.Succeeded ? "completed" : "failed")}";
        row.LastError = result.Succeeded ? null : result.Message;
        row.Endpoint = state.GetValueOrDefault("url") ?? row.Endpoint;
        row.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        Record(agent, step, result.Succeeded ? "completed" : "failed", result.Message);
        return new PhaseOutcome(result.Succeeded, result.Message, result.Retryable);
    }

    private void Record(Agent agent, string step, string status, string? message) =>
        recorder.Record(new ActivityEventInput(agent.OrgId, agent.Id, "deployment_phase", new Dictionary<string, object?>
        {
            ["phase"] = step,
            ["status"] = status,
            ["message"] = message,
        }));

    private async Task<Agent> AgentAsync(Guid agentId, CancellationToken cancellationToken) =>
        await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == agentId, cancellationToken)
        ?? throw new ResourceNotFoundException("Agent", agentId.ToString());

    private sealed class ActivityDeployLog(IActivityRecorder recorder, Guid orgId, Guid agentId) : IDeployLog
    {
        public void Info(string message) => Write("info", message);

        public void Warning(string message) => Write("warning", message);

        private void Write(string level, string message) =>
            recorder.Record(new ActivityEventInput(orgId, agentId, "deployment_log", new Dictionary<string, object?> { ["level"] = level, ["message"] = message }));
    }
}
