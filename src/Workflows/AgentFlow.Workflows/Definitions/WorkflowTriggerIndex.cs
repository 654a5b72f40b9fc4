using System.Globalization;
using System.Text.Json;
using System.Xml;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Runtime;
using AgentFlow.Workflows.Validation;
using Cronos;

namespace AgentFlow.Workflows.Definitions;

/// <summary>Trigger kinds as stored in <c>workflow_triggers.Kind</c> (the lower-case <see cref="TriggerKind"/> names).</summary>
public static class TriggerKinds
{
    public const string Http = "http";
    public const string Event = "event";
    public const string Timer = "timer";
    public const string Cron = "cron";
    public const string Signal = "signal";

    public static string Of(TriggerKind kind) => kind switch
    {
        TriggerKind.Http => Http,
        TriggerKind.Event => Event,
        TriggerKind.Timer => Timer,
        TriggerKind.Cron => Cron,
        TriggerKind.Signal => Signal,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

/// <summary>Schedule kinds as stored in <c>workflow_schedules.Kind</c>.</summary>
public static class ScheduleKinds
{
    /// <summary>A cron expression in a time zone.</summary>
    public const string Cron = "cron";

    /// <summary>One fire at a fixed instant (timer trigger with <c>at</c>).</summary>
    public const string At = "at";

    /// <summary>A fire every ISO-8601 duration (timer trigger with <c>interval</c>).</summary>
    public const string Interval = "interval";
}

/// <summary>A trigger row to write at publish.</summary>
/// <param name="NodeId">The start node.</param>
/// <param name="Kind">One of <see cref="TriggerKinds"/>.</param>
/// <param name="Key">The canonical key (HTTP route key, event or signal name, cron expression, timer value).</param>
/// <param name="PayloadJson">The trigger's config as written.</param>
/// <param name="Schedule">The schedule row of a cron or timer trigger.</param>
public sealed record IndexedTrigger(string NodeId, string Kind, string Key, string? PayloadJson, IndexedSchedule? Schedule)
{
    public string KeyHash => RouteKeys.Hash(Key);
}

/// <summary>A schedule row to write at publish.</summary>
public sealed record IndexedSchedule(string Kind, string Expression, string TimeZone, DateTimeOffset? NextFireAt);

/// <summary>
/// Turns a definition's triggers into the index rows publishing writes, and reports trigger configurations that
/// could never fire (so saving and validating reject them, not the schedule poller at 3 a.m.).
/// </summary>
public static class WorkflowTriggerIndex
{
    /// <summary>The activity type of HTTP endpoints inside a workflow (its <c>method</c> and <c>path</c> inputs are routes too).</summary>
    public const string HttpEndpointActivityType = "http.endpoint";

    /// <summary>The time zone of a cron trigger without <c>timeZone</c>.</summary>
    public const string DefaultTimeZone = "UTC";

    /// <summary>The trigger rows of a definition, or the problems of its trigger configurations.</summary>
    /// <param name="document">The definition.</param>
    /// <param name="now">The publish instant (first cron and interval fires are computed from it).</param>
    public static (IReadOnlyList<IndexedTrigger> Triggers, IReadOnlyList<ValidationProblem> Problems) Build(WorkflowDefinitionDocument document, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(document);
        var triggers = new List<IndexedTrigger>();
        var problems = new List<ValidationProblem>();
        var httpKeys = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < document.Triggers.Count; i++)
        {
            var trigger = document.Triggers[i];
            var field = $"triggers[{i}].config";
            var config = trigger.Config is { ValueKind: JsonValueKind.Object } c ? c : (JsonElement?)null;
            var payload = config?.GetRawText();
            var node = string.IsNullOrWhiteSpace(trigger.Node) ? null : trigger.Node;
            switch (trigger.Kind)
            {
                case TriggerKind.Http:
                {
                    var method = RequiredString(config, "method", node, field, problems);
                    var path = RequiredString(config, "path", node, field, problems);
                    if (path is not null && !path.StartsWith('/'))
                    {
                        problems.Add(new(node, $"{field}.path", $"The path \"{path}\" must start with \"/\"."));
                        path = null;
                    }

                    if (method is not null && path is not null)
                    {
                        var key = RouteKeys.Http(method, path);
                        if (httpKeys.TryGetValue(key, out var first))
                        {
                            problems.Add(new(node, field, $"The route {key} is already used by triggers[{first}]."));
                        }
                        else
                        {
                            httpKeys[key] = i;
                            triggers.Add(new IndexedTrigger(trigger.Node, TriggerKinds.Http, key, payload, null));
                        }
                    }

                    break;
                }

                case TriggerKind.Event or TriggerKind.Signal:
                {
                    if (RequiredString(config, "name", node, field, problems) is { } name)
                    {
                        triggers.Add(new IndexedTrigger(trigger.Node, TriggerKinds.Of(trigger.Kind), name, payload, null));
                    }

                    break;
                }

                case TriggerKind.Cron:
                {
                    var expression = RequiredString(config, "expression", node, field, problems);
                    var zoneId = OptionalString(config, "timeZone", node, field, problems) ?? DefaultTimeZone;
                    var cron = expression is null ? null : ParseCron(expression);
                    if (expression is not null && cron is null)
                    {
                        problems.Add(new(node, $"{field}.expression", $"\"{expression}\" is not a cron expression (5 fields, or 6 with seconds first, or a macro such as @daily)."));
                    }

                    var zone = FindTimeZone(zoneId);
                    if (zone is null)
                    {
                        problems.Add(new(node, $"{field}.timeZone", $"\"{zoneId}\" is not a known time zone (an IANA id such as \"Europe/Paris\")."));
                    }

                    if (expression is not null && cron is not null && zone is not null)
                    {
                        // Cronos answers in the zone's offset; stored instants are UTC (PostgreSQL accepts nothing else).
                        var schedule = new IndexedSchedule(ScheduleKinds.Cron, expression, zoneId, cron.GetNextOccurrence(now, zone)?.ToUniversalTime());
                        triggers.Add(new IndexedTrigger(trigger.Node, TriggerKinds.Cron, expression, payload, schedule));
                    }

                    break;
                }

                case TriggerKind.Timer:
                {
                    var at = OptionalString(config, "at", node, field, problems);
                    var interval = OptionalString(config, "interval", node, field, problems);
                    if ((at is null) == (interval is null))
                    {
                        problems.Add(new(node, field, "A timer trigger needs exactly one of \"at\" (an ISO-8601 instant) or \"interval\" (an ISO-8601 duration)."));
                    }
                    else if (at is not null)
                    {
                        if (DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
                        {
                            // An instant already past never fires: publishing an old definition must not start it by surprise.
                            var next = instant > now ? instant.ToUniversalTime() : (DateTimeOffset?)null;
                            triggers.Add(new IndexedTrigger(trigger.Node, TriggerKinds.Timer, at, payload, new IndexedSchedule(ScheduleKinds.At, at, DefaultTimeZone, next)));
                        }
                        else
                        {
                            problems.Add(new(node, $"{field}.at", $"\"{at}\" is not an ISO-8601 instant (e.g. \"2027-01-01T09:00:00Z\")."));
                        }
                    }
                    else if (TryParseDuration(interval!, out var every))
                    {
                        triggers.Add(new IndexedTrigger(trigger.Node, TriggerKinds.Timer, interval!, payload, new IndexedSchedule(ScheduleKinds.Interval, interval!, DefaultTimeZone, (now + every).ToUniversalTime())));
                    }
                    else
                    {
                        problems.Add(new(node, $"{field}.interval", $"\"{interval}\" is not a positive ISO-8601 duration (e.g. \"PT15M\")."));
                    }

                    break;
                }
            }
        }

        return (triggers, problems);
    }

    /// <summary>
    /// The HTTP route keys a definition answers: its HTTP triggers and the literal <c>method</c>/<c>path</c> inputs of
    /// its <c>http.endpoint</c> nodes (an input given as an expression cannot be known before run time and is skipped).
    /// </summary>
    public static IReadOnlySet<string> HttpRoutes(WorkflowDefinitionDocument document, IActivityDescriptorLookup activities)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(activities);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var trigger in document.Triggers.Where(t => t.Kind == TriggerKind.Http && t.Config is { ValueKind: JsonValueKind.Object }))
        {
            var config = trigger.Config!.Value;
            if (config.TryGetProperty("method", out var method) && method.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(method.GetString())
                && config.TryGetProperty("path", out var path) && path.ValueKind == JsonValueKind.String)
            {
                keys.Add(RouteKeys.Http(method.GetString()!, path.GetString()!));
            }
        }

        activities.TryGet(HttpEndpointActivityType, out var endpoint);
        foreach (var node in document.Nodes.Where(n => string.Equals(n.Type, HttpEndpointActivityType, StringComparison.Ordinal)))
        {
            var method = LiteralInput(node, endpoint, "method");
            var path = LiteralInput(node, endpoint, "path");
            if (!string.IsNullOrWhiteSpace(method) && path is not null)
            {
                keys.Add(RouteKeys.Http(method, path));
            }
        }

        return keys;
    }

    /// <summary>Parses a cron expression: 5 fields, 6 fields with seconds first, or a macro (<c>@daily</c>...).</summary>
    /// <returns>The expression, or null when it is not one.</returns>
    public static CronExpression? ParseCron(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var format = fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        return CronExpression.TryParse(expression.Trim(), format, out var cron) ? cron : null;
    }

    /// <summary>A time zone by IANA (or Windows) id; null when unknown.</summary>
    public static TimeZoneInfo? FindTimeZone(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (string.Equals(id, DefaultTimeZone, StringComparison.OrdinalIgnoreCase))
        {
            return TimeZoneInfo.Utc;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
    }

    private static bool TryParseDuration(string value, out TimeSpan duration)
    {
        try
        {
            duration = XmlConvert.ToTimeSpan(value);
            return duration > TimeSpan.Zero;
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            duration = default;
            return false;
        }
    }

    private static string? LiteralInput(NodeDefinition node, ActivityDescriptor? descriptor, string name)
    {
        if (node.Inputs.TryGetValue(name, out var expression))
        {
            return expression.Syntax == ExpressionSyntax.Literal && expression.Literal.ValueKind == JsonValueKind.String ? expression.Literal.GetString() : null;
        }

        var declared = descriptor?.Inputs.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.Ordinal));
        return declared?.DefaultValue is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
    }

    private static string? RequiredString(JsonElement? config, string name, string? node, string field, List<ValidationProblem> problems)
    {
        var value = OptionalString(config, name, node, field, problems);
        if (value is null && !(config is { } c && c.TryGetProperty(name, out var present) && present.ValueKind != JsonValueKind.Null))
        {
            problems.Add(new(node, $"{field}.{name}", $"The trigger configuration needs \"{name}\"."));
        }

        return value;
    }

    private static string? OptionalString(JsonElement? config, string name, string? node, string field, List<ValidationProblem> problems)
    {
        if (config is not { } c || !c.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            problems.Add(new(node, $"{field}.{name}", $"\"{name}\" must be a non-empty string."));
            return null;
        }

        return value.GetString()!.Trim();
    }
}
