using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Skills;
using AgentFlow.Plugins.Skills;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Permissions;

/// <summary>A stored profile with its version and dates.</summary>
public sealed record StoredPermissionProfile(Guid AgentId, int Version, PermissionProfile Profile, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// Agents' permission profiles in the caller's organisation: read, replace (validated), apply a preset, and the
/// compiled form the <see cref="PermissionEngine"/> decides on. Another organisation's agent is a 404.
/// </summary>
public sealed partial class PermissionProfileService(AgentFlowDbContext db, PermissionEngine engine, TimeProvider time)
{
    public const int MaxListEntries = 200;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task<StoredPermissionProfile> GetAsync(Guid agentId, CancellationToken cancellationToken = default)
    {
        await EnsureAgentAsync(agentId, cancellationToken);
        var row = await db.PermissionProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.AgentId == agentId, cancellationToken)
            ?? throw new ResourceNotFoundException("Permission profile", agentId.ToString());
        return ToStored(row);
    }

    /// <summary>Validates the input against the catalog, stores it as the agent's profile (version + 1) and publishes it to the engine.</summary>
    public async Task<StoredPermissionProfile> PutAsync(Guid agentId, PermissionProfileInput input, Guid? updatedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var profile = Validate(input, engine.Catalog);
        await EnsureAgentAsync(agentId, cancellationToken);

        var now = time.GetUtcNow();
        var row = await db.PermissionProfiles.FirstOrDefaultAsync(p => p.AgentId == agentId, cancellationToken);
        if (row is null)
        {
            row = new AgentPermissionProfile { AgentId = agentId, CreatedAt = now };
            db.PermissionProfiles.Add(row);
        }

        row.Document = JsonSerializer.Serialize(profile, Json);
        row.Version++;
        row.UpdatedAt = now;
        row.UpdatedBy = updatedBy;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another writer changed (or created) the profile between our read and write; the version token caught it.
            throw new ResourceConflictException("The permission profile was changed by another request; retry.", "version");
        }

        engine.Publish(engine.Compile(agentId, row.OrgId, row.Version, profile));
        return ToStored(row);
    }

    public Task<StoredPermissionProfile> ApplyPresetAsync(Guid agentId, string? preset, Guid? updatedBy, CancellationToken cancellationToken = default) =>
        string.IsNullOrWhiteSpace(preset)
            ? throw InputValidationException.For("presetName", "The presetName field is required (a preset id or name).")
            : PutAsync(agentId, new PermissionProfileInput { Preset = preset }, updatedBy, cancellationToken);

    /// <summary>
    /// The compiled profile of an agent of the caller's organisation: from the engine's cache, else loaded and
    /// published. Null when the agent has no profile; 404 when it is not an agent of this organisation.
    /// </summary>
    public async ValueTask<CompiledPermissionProfile?> CompiledAsync(Guid agentId, CancellationToken cancellationToken = default)
    {
        var orgId = db.CurrentOrgId;
        if (engine.Cached(agentId) is { } cached)
        {
            // The cache is process-wide: it must never answer for another organisation's agent.
            return cached.OrgId == orgId ? cached : throw new ResourceNotFoundException("Agent", agentId.ToString());
        }

        await EnsureAgentAsync(agentId, cancellationToken);
        var row = await db.PermissionProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.AgentId == agentId, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var stored = ToStored(row);
        return engine.Publish(engine.Compile(agentId, row.OrgId, row.Version, stored.Profile));
    }

    private async Task EnsureAgentAsync(Guid agentId, CancellationToken cancellationToken)
    {
        if (!await db.Agents.AnyAsync(a => a.Id == agentId, cancellationToken))
        {
            throw new ResourceNotFoundException("Agent", agentId.ToString());
        }
    }

    private static StoredPermissionProfile ToStored(AgentPermissionProfile row) =>
        new(row.AgentId, row.Version, JsonSerializer.Deserialize<PermissionProfile>(row.Document, Json) ?? EmptyProfile.Value, row.CreatedAt, row.UpdatedAt);

    /// <summary>Builds the profile from the input over its base, or throws listing every invalid field.</summary>
    public static PermissionProfile Validate(PermissionProfileInput input, SkillCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(catalog);
        var errors = new FieldErrors();
        var profile = EmptyProfile.Value;
        if (input.Preset is not null)
        {
            if (catalog.FindPreset(input.Preset.Trim()) is { } preset)
            {
                profile = PermissionProfile.FromPreset(preset);
            }
            else
            {
                errors.Add("preset", $"There is no preset '{input.Preset}'; use one of: {string.Join(", ", catalog.Presets.Select(p => $"{p.Id} ({p.Name})"))}.");
            }
        }

        var name = errors.Text("name", input.Name, 128, required: false);
        var description = errors.Text("description", input.Description, 1000, required: false, minLength: 0);

        var skills = profile.Skills;
        if (input.Skills is { } s)
        {
            var mode = s.Mode ?? skills.Mode;
            if (mode is not (CatalogNamesAccess.Allowlist or CatalogNamesAccess.Blocklist))
            {
                errors.Add("skills.mode", "The skills.mode field must be allowlist or blocklist.");
            }

            var list = s.List ?? skills.List;
            CheckList(errors, "skills.list", list, id => catalog.FindSkill(id) is not null, id => $"There is no skill '{id}'.");
            skills = new(mode, [.. list.Distinct(StringComparer.Ordinal)]);
        }

        var tools = profile.Tools;
        if (input.Tools is { } t)
        {
            var blocked = t.Blocked ?? tools.Blocked;
            var allowed = t.Allowed ?? tools.Allowed;
            CheckList(errors, "tools.blocked", blocked, p => ToolPattern.IsValid(p) && catalog.MatchTools(p).Count > 0, UnknownTool);
            CheckList(errors, "tools.allowed", allowed, p => ToolPattern.IsValid(p) && catalog.MatchTools(p).Count > 0, UnknownTool);
            tools = new([.. blocked.Distinct(StringComparer.Ordinal)], [.. allowed.Distinct(StringComparer.Ordinal)]);
        }

        var maxRisk = profile.MaxRiskLevel;
        if (input.MaxRiskLevel is not null)
        {
            maxRisk = CatalogNames.TryParseRisk(input.MaxRiskLevel, out var risk) ? risk.ToName() : Invalid(errors, "maxRiskLevel", RiskMessage("maxRiskLevel"), maxRisk);
        }

        var blockedEffects = profile.BlockedSideEffects;
        if (input.BlockedSideEffects is { } effects)
        {
            CheckList(errors, "blockedSideEffects", effects, IsSideEffect, SideEffectMessage);
            blockedEffects = [.. effects.Distinct(StringComparer.Ordinal)];
        }

        var approval = profile.RequireApproval;
        if (input.RequireApproval is { } a)
        {
            var levels = a.ForRiskLevels ?? approval.ForRiskLevels;
            CheckList(errors, "requireApproval.forRiskLevels", levels, l => CatalogNames.TryParseRisk(l, out _), _ => "Risk levels are low, medium, high or critical.");
            var approvalEffects = a.ForSideEffects ?? approval.ForSideEffects;
            CheckList(errors, "requireApproval.forSideEffects", approvalEffects, IsSideEffect, SideEffectMessage);
            var approvers = a.Approvers ?? approval.Approvers;
            CheckList(errors, "requireApproval.approvers", approvers, x => x.Length is > 0 and <= 254 && !x.Any(char.IsControl), _ => "An approver is a user id, email or role of at most 254 characters.");
            var timeout = errors.Range("requireApproval.timeoutMinutes", a.TimeoutMinutes, 1, 10_080) ?? approval.TimeoutMinutes;
            approval = new(a.Enabled ?? approval.Enabled, [.. levels.Distinct(StringComparer.Ordinal)],
                [.. approvalEffects.Distinct(StringComparer.Ordinal)], [.. approvers.Distinct(StringComparer.Ordinal)], timeout);
        }

        var limits = profile.RateLimits;
        if (input.RateLimits is { } r)
        {
            limits = new(
                errors.Range("rateLimits.toolCallsPerMinute", r.ToolCallsPerMinute, 1, 1_000_000) ?? limits.ToolCallsPerMinute,
                errors.Range("rateLimits.toolCallsPerHour", r.ToolCallsPerHour, 1, 10_000_000) ?? limits.ToolCallsPerHour,
                errors.Range("rateLimits.toolCallsPerDay", r.ToolCallsPerDay, 1, 100_000_000) ?? limits.ToolCallsPerDay,
                errors.Range("rateLimits.externalActionsPerHour", r.ExternalActionsPerHour, 0, 10_000_000) ?? limits.ExternalActionsPerHour);
        }

        var constraints = profile.Constraints;
        if (input.Constraints is { } c)
        {
            var hours = constraints.AllowedWorkingHours;
            if (c.AllowedWorkingHours is { } h)
            {
                hours = ValidateHours(errors, h);
            }

            var ips = c.AllowedIPs ?? constraints.AllowedIPs;
            CheckList(errors, "constraints.allowedIPs", ips, IsAddressOrNetwork, ip => $"'{ip}' is not an IP address or a CIDR network (e.g. 10.0.0.0/8) with no host bits set.");
            constraints = new(
                errors.Range("constraints.maxConcurrentTasks", c.MaxConcurrentTasks, 1, 10_000) ?? constraints.MaxConcurrentTasks,
                errors.Range("constraints.maxSessionDurationMinutes", c.MaxSessionDurationMinutes, 1, 43_200) ?? constraints.MaxSessionDurationMinutes,
                hours,
                [.. ips.Select(ip => ip.Trim()).Distinct(StringComparer.Ordinal)],
                c.SandboxMode ?? constraints.SandboxMode);
        }

        errors.ThrowIfAny();
        return profile with
        {
            Name = name ?? profile.Name,
            Description = input.Description is null ? profile.Description : description,
            Skills = skills,
            Tools = tools,
            MaxRiskLevel = maxRisk,
            BlockedSideEffects = blockedEffects,
            RequireApproval = approval,
            RateLimits = limits,
            Constraints = constraints,
        };
    }

    private static WorkingHours? ValidateHours(FieldErrors errors, WorkingHoursInput h)
    {
        const string field = "constraints.allowedWorkingHours";
        var ok = true;
        if (h.Start is null || !HourMinute().IsMatch(h.Start))
        {
            errors.Add($"{field}.start", "The start must be a time of day as HH:mm (00:00 to 23:59).");
            ok = false;
        }

        if (h.End is null || !HourMinute().IsMatch(h.End))
        {
            errors.Add($"{field}.end", "The end must be a time of day as HH:mm (00:00 to 23:59).");
            ok = false;
        }

        if (ok && h.Start == h.End)
        {
            errors.Add($"{field}.end", "The end must differ from the start (an end before the start spans midnight).");
            ok = false;
        }

        if (string.IsNullOrWhiteSpace(h.Timezone) || !TimeZoneInfo.TryFindSystemTimeZoneById(h.Timezone, out _))
        {
            errors.Add($"{field}.timezone", $"'{h.Timezone}' is not a known IANA time zone (e.g. Europe/Berlin, UTC).");
            ok = false;
        }

        return ok ? new WorkingHours(h.Start!, h.End!, h.Timezone!) : null;
    }

    private static void CheckList(FieldErrors errors, string field, IReadOnlyList<string?> list, Func<string, bool> isValid, Func<string, string> message)
    {
        if (list.Count > MaxListEntries)
        {
            errors.Add(field, $"The {field} list may hold at most {MaxListEntries} entries.");
            return;
        }

        for (var i = 0; i < list.Count; i++)
        {
            var entry = list[i];
            if (entry is null || !isValid(entry))
            {
                errors.Add($"{field}[{i}]", entry is null ? "An entry must not be null." : message(entry));
            }
        }
    }

    private static string UnknownTool(string pattern) =>
        ToolPattern.IsValid(pattern) ? $"'{pattern}' matches no tool of the catalog." : $"'{pattern}' is not a tool id or a pattern of a-z, 0-9, _ and *.";

    private static bool IsSideEffect(string effect) => SideEffects.All.Contains(effect, StringComparer.Ordinal);

    private static string SideEffectMessage(string effect) => $"'{effect}' is not a side effect; use one of: {string.Join(", ", SideEffects.All)}.";

    private static string RiskMessage(string field) => $"The {field} field must be one of: low, medium, high, critical.";

    private static bool IsAddressOrNetwork(string entry)
    {
        var trimmed = entry.Trim();
        return trimmed.Contains('/', StringComparison.Ordinal) ? IPNetwork.TryParse(trimmed, out _) : IPAddress.TryParse(trimmed, out _);
    }

    private static string Invalid(FieldErrors errors, string field, string message, string fallback)
    {
        errors.Add(field, message);
        return fallback;
    }

    [GeneratedRegex("^([01][0-9]|2[0-3]):[0-5][0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex HourMinute();
}
