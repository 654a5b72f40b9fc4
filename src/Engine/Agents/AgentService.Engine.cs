using System.Text.RegularExpressions;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Lifecycle;
using AgentFlow.Engine.Paging;
using AgentFlow.Engine.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Agents;

/// <summary>What <c>GET /api/engine/agents</c> filters on.</summary>
public sealed record EngineAgentFilter(string? State, string? Status);

/// <summary>
/// The engine's view of the same agents (<c>/api/engine/agents</c>): created with a configuration, changed through
/// config updates. Validation reports fields by their place in the request body (<c>config.model.modelId</c>,
/// <c>updates.deployment.target</c>).
/// </summary>
public sealed partial class AgentService
{
    private const decimal MicroUsdPerUsd = 1_000_000m;

    public async Task<Page<Agent>> ListEngineAsync(EngineAgentFilter filter, PageRequest page, CancellationToken cancellationToken = default)
    {
        var query = db.Agents.AsNoTracking();
        if (filter.State is not null)
        {
            if (!AgentStates.All.Contains(filter.State, StringComparer.Ordinal))
            {
                throw InputValidationException.For("state", $"The state filter must be one of: {string.Join(", ", AgentStates.All)}.");
            }

            query = query.Where(a => a.State == filter.State);
        }

        if (filter.Status is not null)
        {
            if (!AgentStatusNames.TryParse(filter.Status, out var status))
            {
                throw InputValidationException.For("status", $"The status filter must be one of: {string.Join(", ", AgentStatusNames.All)}.");
            }

            query = query.Where(a => a.Status == status);
        }

        return await query.OrderByDescending(a => a.CreatedAt).ThenBy(a => a.Id).ToPageAsync(page, cancellationToken);
    }

    /// <summary>Creates an agent from an engine configuration, in state draft (as the reference: even a complete one waits for a config update to become ready).</summary>
    /// <exception cref="InputValidationException">A field is invalid (named <c>config.*</c>).</exception>
    /// <exception cref="ResourceConflictException">The name or email is taken.</exception>
    /// <exception cref="PlanLimitExceededException">The plan's agent limit is reached, or it does not allow the deployment target.</exception>
    public async Task<Agent> CreateEngineAsync(AgentConfigInput? config, Guid? createdBy, CancellationToken cancellationToken = default)
    {
        if (config is null)
        {
            throw InputValidationException.For("config", "The config field is required.");
        }

        var valid = ValidateConfig(config, "config", nameRequired: true);
        var email = valid.Email ?? $"{valid.Name!.ToLowerInvariant()}@localhost";
        await EnsureUniqueAsync(valid.Name, email, exceptId: null, cancellationToken);
        var orgId = OrgInScope();
        // After validation and the duplicate check, so a bad request hears about its input first.
        await usage.EnsureCanAddAgentAsync(orgId, cancellationToken);
        await EnsureTargetAllowedAsync(orgId, valid.Deployment?.Target, cancellationToken);

        var now = time.GetUtcNow();
        var agent = new Agent
        {
            Id = Guid.CreateVersion7(now),
            Name = valid.Name!,
            Email = email,
            CreatedBy = createdBy,
            CreatedAt = now,
            UpdatedAt = now,
        };
        Apply(agent, valid);
        db.Agents.Add(agent);
        db.AgentStateHistory.Add(AgentLifecycleService.Created(agent, AgentActors.Of(createdBy)));
        await SaveAsync(cancellationToken);
        return agent;
    }

    /// <summary>
    /// Merges a partial configuration into the agent, bumps its config version and fires the lifecycle's config
    /// trigger: <see cref="AgentTrigger.ConfigComplete"/> (to ready) when the merged configuration is complete, else
    /// <see cref="AgentTrigger.Configure"/> (to configuring). Allowed in draft, configuring, ready, stopped and error
    /// (where the reference allowed config updates); a deployed agent changes through a hot update instead.
    /// Configuration, state and history are written together.
    /// </summary>
    /// <exception cref="InputValidationException">A field is invalid (named <c>updates.*</c>).</exception>
    /// <exception cref="InvalidTransitionException">The agent's state does not take configuration changes.</exception>
    public async Task<(Agent Agent, AgentStateHistory Transition)> UpdateConfigAsync(Guid id, AgentConfigInput? updates, Guid? updatedBy,
        CancellationToken cancellationToken = default) =>
        await ChangeConfigAsync(id, updates, complete => complete ? AgentTrigger.ConfigComplete : AgentTrigger.Configure,
            AgentActors.Of(updatedBy), reason: null, cancellationToken);

    /// <summary>
    /// Starts a hot update of a running or degraded agent: merges the optional configuration changes (which must
    /// leave it complete), bumps the config version and fires <see cref="AgentTrigger.HotUpdate"/> (to updating).
    /// </summary>
    /// <exception cref="InputValidationException">A field is invalid, the deployment target is named, or the configuration would be incomplete.</exception>
    /// <exception cref="InvalidTransitionException">The agent is not running or degraded.</exception>
    public async Task<(Agent Agent, AgentStateHistory Transition)> HotUpdateAsync(Guid id, AgentConfigInput? updates, Guid? updatedBy, string? reason,
        CancellationToken cancellationToken = default)
    {
        if (updates?.Deployment?.Target is not null)
        {
            // The target is where the agent runs: moving it is a stop, a config update and a deploy, not a hot update.
            throw InputValidationException.For("updates.deployment.target", "The deployment target cannot change in a hot update; stop the agent, change it, and deploy.");
        }

        return await ChangeConfigAsync(id, updates ?? NoChanges, _ => AgentTrigger.HotUpdate, AgentActors.Of(updatedBy),
            AgentLifecycleService.ValidateReason(reason), cancellationToken, requireComplete: true);
    }

    /// <summary>A hot update without configuration changes re-applies the current configuration (same version).</summary>
    private static readonly AgentConfigInput NoChanges = new();

    private async Task<(Agent Agent, AgentStateHistory Transition)> ChangeConfigAsync(Guid id, AgentConfigInput? updates, Func<bool, AgentTrigger> triggerFor,
        string actor, string? reason, CancellationToken cancellationToken, bool requireComplete = false)
    {
        if (updates is null)
        {
            throw InputValidationException.For("updates", "The updates field is required.");
        }

        var valid = ValidateConfig(updates, "updates", nameRequired: false);
        var agent = await FindTrackedAsync(id, cancellationToken);
        if (valid.Name is not null || valid.Email is not null)
        {
            await EnsureUniqueAsync(valid.Name, valid.Email, exceptId: id, cancellationToken);
        }

        await EnsureTargetAllowedAsync(agent.OrgId, valid.Deployment?.Target, cancellationToken);

        Apply(agent, valid);
        var complete = AgentConfigView.Of(agent).IsComplete;
        // Decided on the state as read; ApplyAsync stores it only if nobody moved the agent since.
        var transition = new AgentStateMachine(agent.State, complete).Fire(triggerFor(complete));
        if (requireComplete && !complete)
        {
            // After the state check: a draft asked for a hot update hears 409, not about its configuration.
            throw new InputValidationException(new Dictionary<string, string[]>
            {
                ["updates"] = [$"The configuration must stay complete; missing: {string.Join(", ", AgentConfigView.Of(agent).Missing)}."],
            });
        }

        if (!ReferenceEquals(updates, NoChanges))
        {
            agent.ConfigVersion++;
        }

        agent.UpdatedAt = time.GetUtcNow();

        await using var dbTransaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var history = await lifecycle.ApplyAsync(id, transition, actor, reason ?? $"configuration version {agent.ConfigVersion}", cancellationToken);
        agent.State = transition.To;
        await SaveAsync(cancellationToken);
        await dbTransaction.CommitAsync(cancellationToken);
        lifecycle.RecordStateChange(agent.OrgId, history);
        return (agent, history);
    }

    /// <summary>Checked again at deploy time: the organisation's plan may have changed since the target was chosen.</summary>
    /// <exception cref="ResourceNotFoundException">No such agent in the organisation in scope.</exception>
    /// <exception cref="PlanLimitExceededException">The plan no longer allows the agent's deployment target.</exception>
    public async Task EnsureDeployableAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var agent = await GetAsync(id, cancellationToken);
        await EnsureTargetAllowedAsync(agent.OrgId, AgentConfigView.Of(agent).Deployment.Target, cancellationToken);
    }

    private async Task EnsureTargetAllowedAsync(Guid orgId, string? target, CancellationToken cancellationToken)
    {
        if (target is not null)
        {
            // Checked when the target is chosen, not only at deploy time: a configuration the plan can never deploy is refused early.
            UsageService.EnsureCanDeployTo(await usage.GetPlanAsync(orgId, cancellationToken), target);
        }
    }

    private static void Apply(Agent agent, ValidatedConfig valid)
    {
        var stored = StoredAgentConfig.Parse(agent.Config);
        agent.Name = valid.Name ?? agent.Name;
        agent.Email = valid.Email ?? agent.Email;
        agent.DisplayName = valid.DisplayName ?? agent.DisplayName;
        agent.Role = valid.Identity?.Role ?? agent.Role;
        agent.PermissionProfileId = valid.PermissionProfileId ?? agent.PermissionProfileId;
        agent.TokenBudgetMonthly = valid.TokenBudgetMonthly ?? agent.TokenBudgetMonthly;
        agent.CostBudgetMonthlyMicroUsd = valid.CostBudgetMonthlyMicroUsd ?? agent.CostBudgetMonthlyMicroUsd;
        agent.Metadata = valid.Metadata ?? agent.Metadata;

        var identity = Merge(stored.Identity, valid.Identity);
        // The role lives in its column, shared with /api/agents; the JSON keeps the rest of the identity.
        identity = identity is null ? null : identity with { Role = null };
        agent.Config = new StoredAgentConfig(identity, Merge(stored.Model, valid.Model), Merge(stored.Deployment, valid.Deployment)).ToJson();
    }

    private static AgentIdentityConfig? Merge(AgentIdentityConfig? current, AgentIdentityConfig? patch) =>
        patch is null ? current : current is null ? patch : new AgentIdentityConfig(
            patch.Role ?? current.Role, patch.Tone ?? current.Tone, patch.CustomTone ?? current.CustomTone,
            patch.Language ?? current.Language, patch.Personality ?? current.Personality, patch.Avatar ?? current.Avatar);

    private static AgentModelConfig? Merge(AgentModelConfig? current, AgentModelConfig? patch) =>
        patch is null ? current : current is null ? patch : new AgentModelConfig(
            patch.Provider ?? current.Provider, patch.ModelId ?? current.ModelId, patch.ThinkingLevel ?? current.ThinkingLevel,
            patch.Temperature ?? current.Temperature, patch.MaxTokens ?? current.MaxTokens, patch.FallbackModelId ?? current.FallbackModelId);

    private static AgentDeploymentConfig? Merge(AgentDeploymentConfig? current, AgentDeploymentConfig? patch) =>
        patch is null ? current : new AgentDeploymentConfig(patch.Target ?? current?.Target);

    private sealed record ValidatedConfig(
        string? Name, string? DisplayName, string? Email, AgentIdentityConfig? Identity, AgentModelConfig? Model, AgentDeploymentConfig? Deployment,
        string? PermissionProfileId, long? TokenBudgetMonthly, long? CostBudgetMonthlyMicroUsd, string? Metadata);

    private static ValidatedConfig ValidateConfig(AgentConfigInput input, string prefix, bool nameRequired)
    {
        var errors = new FieldErrors();
        var name = ValidateName(errors, input.Name, nameRequired, $"{prefix}.name");
        var displayName = errors.Text($"{prefix}.displayName", input.DisplayName, AgentConfigLimits.DisplayNameLength, required: false);
        var email = errors.Email($"{prefix}.email", input.Email, required: false);

        AgentIdentityConfig? identity = null;
        if (input.Identity is { } id)
        {
            var at = $"{prefix}.identity";
            identity = new AgentIdentityConfig(
                errors.Text($"{at}.role", id.Role, 32, required: false),
                OneOf(errors, $"{at}.tone", id.Tone, AgentConfigValues.Tones),
                errors.Text($"{at}.customTone", id.CustomTone, AgentConfigLimits.CustomToneLength, required: false),
                errors.Matches($"{at}.language", errors.Text($"{at}.language", id.Language, 35, required: false), LanguagePattern(), "must be a language tag such as 'en' or 'pt-BR'"),
                errors.Text($"{at}.personality", id.Personality, AgentConfigLimits.PersonalityLength, required: false),
                errors.Text($"{at}.avatar", id.Avatar, AgentConfigLimits.AvatarLength, required: false));
        }

        AgentModelConfig? model = null;
        if (input.Model is { } m)
        {
            var at = $"{prefix}.model";
            var provider = OneOf(errors, $"{at}.provider", m.Provider, AgentConfigValues.Providers);
            var modelId = ModelId(errors, $"{at}.modelId", m.ModelId, provider);
            var fallback = ModelId(errors, $"{at}.fallbackModelId", m.FallbackModelId, provider: null);
            if (m.Temperature is { } t && (double.IsNaN(t) || t < 0 || t > AgentConfigLimits.MaxTemperature))
            {
                errors.Add($"{at}.temperature", $"The {at}.temperature field must be between 0 and {AgentConfigLimits.MaxTemperature}.");
            }

            errors.Range($"{at}.maxTokens", m.MaxTokens, 1, AgentConfigLimits.MaxTokens);
            model = new AgentModelConfig(provider, modelId, OneOf(errors, $"{at}.thinkingLevel", m.ThinkingLevel, AgentConfigValues.ThinkingLevels),
                m.Temperature, m.MaxTokens, fallback);
        }

        AgentDeploymentConfig? deployment = null;
        if (input.Deployment is { } d)
        {
            deployment = new AgentDeploymentConfig(OneOf(errors, $"{prefix}.deployment.target", d.Target, DeploymentTargets.All));
        }

        var profile = errors.Matches($"{prefix}.permissionProfileId",
            errors.Text($"{prefix}.permissionProfileId", input.PermissionProfileId, AgentConfigLimits.PermissionProfileIdLength, required: false),
            ProfileIdPattern(), "may contain only letters, digits, spaces and '-', '_', '.', ':'");

        long? tokenBudget = null, costBudget = null;
        if (input.Budgets is { } b)
        {
            var at = $"{prefix}.budgets";
            if (b.TokenBudgetMonthly is { } tokens)
            {
                if (tokens is < 0 or > AgentConfigLimits.MaxTokenBudgetMonthly)
                {
                    errors.Add($"{at}.tokenBudgetMonthly", $"The {at}.tokenBudgetMonthly field must be between 0 (unlimited) and {AgentConfigLimits.MaxTokenBudgetMonthly}.");
                }

                tokenBudget = tokens;
            }

            if (b.CostBudgetMonthlyUsd is { } cost)
            {
                if (cost is < 0 or > AgentConfigLimits.MaxCostBudgetMonthlyUsd || decimal.Round(cost, 6) != cost)
                {
                    errors.Add($"{at}.costBudgetMonthlyUsd", $"The {at}.costBudgetMonthlyUsd field must be between 0 (unlimited) and {AgentConfigLimits.MaxCostBudgetMonthlyUsd}, with at most 6 decimals.");
                }
                else
                {
                    costBudget = (long)(cost * MicroUsdPerUsd);
                }
            }
        }

        var metadata = ValidateMetadata(errors, input.Metadata, $"{prefix}.metadata");
        errors.ThrowIfAny();
        return new ValidatedConfig(name, displayName, email, identity, model, deployment, profile, tokenBudget, costBudget, metadata);
    }

    private static string? OneOf(FieldErrors errors, string field, string? value, IReadOnlyList<string> allowed)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add(field, $"The {field} field must be one of: {string.Join(", ", allowed)}.");
        }

        return value;
    }

    /// <summary>
    /// A model id is the provider's own id (<c>claude-sonnet-4-20250514</c>, <c>gpt-4o</c>), or the
    /// <c>provider/model</c> form the organisation's default model uses; with a known provider prefix, that prefix
    /// must agree with <c>model.provider</c>.
    /// </summary>
    private static string? ModelId(FieldErrors errors, string field, string? value, string? provider)
    {
        var id = errors.Matches(field, errors.Text(field, value, AgentConfigLimits.ModelIdLength, required: false), ModelIdPattern(),
            "must be a model id such as 'claude-sonnet-4-20250514' or 'anthropic/claude-sonnet-4-20250514' (letters, digits, '.', '-', '_', ':', '@', one optional '/')");
        if (id is not null && provider is not null && id.IndexOf('/', StringComparison.Ordinal) is var slash and > 0)
        {
            var prefix = id[..slash];
            if (AgentConfigValues.Providers.Contains(prefix, StringComparer.Ordinal) && prefix != provider)
            {
                errors.Add(field, $"The {field} field names the provider '{prefix}' but model.provider is '{provider}'.");
            }
        }

        return id;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:@-]*(/[A-Za-z0-9][A-Za-z0-9._:@-]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex ModelIdPattern();

    [GeneratedRegex("^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguagePattern();

    [GeneratedRegex("^[A-Za-z0-9 _.:-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ProfileIdPattern();
}
