using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentFlow.Engine.Agents;

/// <summary>The lifecycle states of the reference (12); the transitions are in Lifecycle/AgentTransitionTable.</summary>
public static class AgentStates
{
    public const string Draft = "draft";
    public const string Configuring = "configuring";
    public const string Ready = "ready";
    public const string Provisioning = "provisioning";
    public const string Deploying = "deploying";
    public const string Starting = "starting";
    public const string Running = "running";
    public const string Degraded = "degraded";
    public const string Stopped = "stopped";
    public const string Error = "error";
    public const string Updating = "updating";
    public const string Destroying = "destroying";

    public static readonly IReadOnlyList<string> All =
        [Draft, Configuring, Ready, Provisioning, Deploying, Starting, Running, Degraded, Stopped, Error, Updating, Destroying];
}

/// <summary>The closed value sets of an agent's configuration (those of the reference's AgentConfig).</summary>
public static class AgentConfigValues
{
    public static readonly IReadOnlyList<string> Tones = ["formal", "casual", "professional", "friendly", "custom"];
    public static readonly IReadOnlyList<string> Providers = ["anthropic", "openai", "google", "custom"];
    public static readonly IReadOnlyList<string> ThinkingLevels = ["off", "low", "medium", "high"];
}

public static class AgentConfigLimits
{
    public const int DisplayNameLength = 128;
    public const int PermissionProfileIdLength = 128;
    public const int ModelIdLength = 128;
    public const int PersonalityLength = 8000;
    public const int CustomToneLength = 200;
    public const int AvatarLength = 2048;
    public const int MaxTokens = 1_000_000;
    public const double MaxTemperature = 2.0;
    public const long MaxTokenBudgetMonthly = 1_000_000_000_000;
    public const decimal MaxCostBudgetMonthlyUsd = 10_000_000m;
}

/// <summary>Who the agent is. <c>Role</c> is the agent's role (the same field as <c>/api/agents</c>).</summary>
public sealed record AgentIdentityConfig(string? Role = null, string? Tone = null, string? CustomTone = null, string? Language = null,
    string? Personality = null, string? Avatar = null);

/// <summary>The model the agent runs on.</summary>
public sealed record AgentModelConfig(string? Provider = null, string? ModelId = null, string? ThinkingLevel = null, double? Temperature = null,
    int? MaxTokens = null, string? FallbackModelId = null);

/// <summary>
/// Where the agent is to be deployed. Only the target for now: the per-target settings (hosts, tokens) come with
/// the deployer, which will also decide how to keep their secrets.
/// </summary>
public sealed record AgentDeploymentConfig(string? Target = null);

/// <summary>Monthly budgets, 0 meaning unlimited. The runtime hook compares usage against them.</summary>
public sealed record AgentBudgetsConfig(long? TokenBudgetMonthly = null, decimal? CostBudgetMonthlyUsd = null);

/// <summary>
/// An engine agent's configuration as the API takes it (create: the whole of it, <c>name</c> required; config
/// update: only what changes, <see langword="null"/> leaving a field as it is, nested objects merged field by field).
/// </summary>
public sealed record AgentConfigInput(
    string? Name = null,
    string? DisplayName = null,
    string? Email = null,
    AgentIdentityConfig? Identity = null,
    AgentModelConfig? Model = null,
    AgentDeploymentConfig? Deployment = null,
    string? PermissionProfileId = null,
    AgentBudgetsConfig? Budgets = null,
    JsonElement? Metadata = null);

/// <summary>The part of the configuration stored as JSON in <see cref="Agent.Config"/>.</summary>
internal sealed record StoredAgentConfig(AgentIdentityConfig? Identity, AgentModelConfig? Model, AgentDeploymentConfig? Deployment)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static StoredAgentConfig Parse(string json) =>
        JsonSerializer.Deserialize<StoredAgentConfig>(json, Options) ?? new StoredAgentConfig(null, null, null);

    public string ToJson() => JsonSerializer.Serialize(this, Options);
}

/// <summary>An engine agent's whole configuration, read back from the agent's columns and its config JSON.</summary>
public sealed record AgentConfigView(
    string Name,
    string? DisplayName,
    string Email,
    AgentIdentityConfig Identity,
    AgentModelConfig Model,
    AgentDeploymentConfig Deployment,
    string? PermissionProfileId,
    AgentBudgetsConfig Budgets)
{
    /// <summary>The fields the reference's isConfigComplete requires, by their API names.</summary>
    public IReadOnlyList<string> Missing
    {
        get
        {
            var missing = new List<string>();
            if (string.IsNullOrEmpty(DisplayName))
            {
                missing.Add("displayName");
            }

            if (string.IsNullOrEmpty(Identity.Role))
            {
                missing.Add("identity.role");
            }

            if (string.IsNullOrEmpty(Model.ModelId))
            {
                missing.Add("model.modelId");
            }

            if (string.IsNullOrEmpty(Deployment.Target))
            {
                missing.Add("deployment.target");
            }

            if (string.IsNullOrEmpty(PermissionProfileId))
            {
                missing.Add("permissionProfileId");
            }

            return missing;
        }
    }

    public bool IsComplete => Missing.Count == 0;

    public static AgentConfigView Of(Agent agent)
    {
        var stored = StoredAgentConfig.Parse(agent.Config);
        return new AgentConfigView(
            agent.Name,
            agent.DisplayName,
            agent.Email,
            (stored.Identity ?? new AgentIdentityConfig()) with { Role = agent.Role },
            stored.Model ?? new AgentModelConfig(),
            stored.Deployment ?? new AgentDeploymentConfig(),
            agent.PermissionProfileId,
            new AgentBudgetsConfig(agent.TokenBudgetMonthly, agent.CostBudgetMonthlyMicroUsd / 1_000_000m));
    }
}
