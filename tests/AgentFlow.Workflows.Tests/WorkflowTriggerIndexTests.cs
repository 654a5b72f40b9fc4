using System.Text.Json;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Validation;

namespace AgentFlow.Workflows.Tests;

public sealed class WorkflowTriggerIndexTests
{
    // A Wednesday.
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 30, 0, TimeSpan.Zero);

    private static (IReadOnlyList<IndexedTrigger> Triggers, IReadOnlyList<ValidationProblem> Problems) Build(params (TriggerKind Kind, string Config)[] triggers)
    {
        var document = TestDefinitions.Minimal() with
        {
            Triggers = [.. triggers.Select(t => new TriggerDefinition { Node = "start", Kind = t.Kind, Config = JsonDocument.Parse(t.Config).RootElement.Clone() })],
        };
        return WorkflowTriggerIndex.Build(document, Now);
    }

    [Fact]
    public void Build_HttpTrigger_KeysTheCanonicalRoute()
    {
        var (triggers, problems) = Build((TriggerKind.Http, """{"method":"post","path":"/Expenses/{id}/"}"""));

        Assert.Empty(problems);
        var trigger = Assert.Single(triggers);
        Assert.Equal(("start", "http", "POST /expenses/{id}"), (trigger.NodeId, trigger.Kind, trigger.Key));
        Assert.Equal(Runtime.RouteKeys.Hash("POST /expenses/{id}"), trigger.KeyHash);
        Assert.Null(trigger.Schedule);
        Assert.Contains("\"method\"", trigger.PayloadJson, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"method":"POST"}""", "triggers[0].config.path")]
    [InlineData("""{"path":"/x"}""", "triggers[0].config.method")]
    [InlineData("""{"method":"POST","path":"x"}""", "triggers[0].config.path")]
    [InlineData("""{"method":3,"path":"/x"}""", "triggers[0].config.method")]
    public void Build_HttpTriggerWithBadConfig_ReportsTheField(string config, string field)
    {
        var (triggers, problems) = Build((TriggerKind.Http, config));

        Assert.Empty(triggers);
        var problem = Assert.Single(problems);
        Assert.Equal(field, problem.Field);
        Assert.Equal("start", problem.NodeId);
    }

    [Fact]
    public void Build_SameRouteTwice_ReportsTheSecond()
    {
        var (triggers, problems) = Build((TriggerKind.Http, """{"method":"GET","path":"/a"}"""), (TriggerKind.Http, """{"method":"get","path":"/A"}"""));

        Assert.Single(triggers);
        Assert.Equal("triggers[1].config", Assert.Single(problems).Field);
    }

    [Theory]
    [InlineData(TriggerKind.Event, "event")]
    [InlineData(TriggerKind.Signal, "signal")]
    public void Build_NamedTrigger_KeysTheName_AndNeedsOne(TriggerKind kind, string stored)
    {
        var (triggers, _) = Build((kind, """{"name":"order.created"}"""));
        var (missing, problems) = Build((kind, "{}"));

        Assert.Equal((stored, "order.created"), (Assert.Single(triggers).Kind, triggers[0].Key));
        Assert.Empty(missing);
        Assert.Equal("triggers[0].config.name", Assert.Single(problems).Field);
    }

    [Fact]
    public void Build_CronTrigger_SchedulesTheNextOccurrenceInItsTimeZoneAsUtc()
    {
        var (triggers, problems) = Build((TriggerKind.Cron, """{"expression":"0 9 * * 1-5","timeZone":"Europe/Paris"}"""));

        Assert.Empty(problems);
        var schedule = Assert.Single(triggers).Schedule!;
        Assert.Equal(("cron", "0 9 * * 1-5", "Europe/Paris"), (schedule.Kind, schedule.Expression, schedule.TimeZone));
        // 09:00 in Paris on Thursday 26 November 2026 is 08:00 UTC (winter time); today's 09:00 has passed.
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero), schedule.NextFireAt);
        Assert.Equal(TimeSpan.Zero, schedule.NextFireAt!.Value.Offset);
    }

    [Theory]
    [InlineData("*/15 * * * *", "2026-11-25T10:45:00Z")]
    [InlineData("30 */10 * * * *", "2026-11-25T10:30:30Z")]
    [InlineData("@daily", "2026-11-26T00:00:00Z")]
    public void Build_CronTriggerWithoutTimeZone_UsesUtc(string expression, string next)
    {
        var (triggers, problems) = Build((TriggerKind.Cron, $$"""{"expression":"{{expression}}"}"""));

        Assert.Empty(problems);
        var schedule = Assert.Single(triggers).Schedule!;
        Assert.Equal("UTC", schedule.TimeZone);
        Assert.Equal(DateTimeOffset.Parse(next, System.Globalization.CultureInfo.InvariantCulture), schedule.NextFireAt);
    }

    [Theory]
    [InlineData("""{"expression":"every day"}""", "triggers[0].config.expression")]
    [InlineData("""{"expression":"0 9 * * *","timeZone":"Mars/Olympus"}""", "triggers[0].config.timeZone")]
    [InlineData("""{}""", "triggers[0].config.expression")]
    public void Build_CronTriggerWithBadConfig_ReportsTheField(string config, string field)
    {
        var (triggers, problems) = Build((TriggerKind.Cron, config));

        Assert.Empty(triggers);
        Assert.Equal(field, Assert.Single(problems).Field);
    }

    [Fact]
    public void Build_TimerTriggers_ScheduleAtAndInterval_AndAPastInstantNeverFires()
    {
        var (triggers, problems) = Build(
            (TriggerKind.Timer, """{"at":"2027-01-01T09:00:00+01:00"}"""),
            (TriggerKind.Timer, """{"at":"2020-01-01T00:00:00Z"}"""),
            (TriggerKind.Timer, """{"interval":"PT15M"}"""));

        Assert.Empty(problems);
        Assert.Equal(["at", "at", "interval"], triggers.Select(t => t.Schedule!.Kind));
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 8, 0, 0, TimeSpan.Zero), triggers[0].Schedule!.NextFireAt);
        Assert.Null(triggers[1].Schedule!.NextFireAt);
        Assert.Equal(Now.AddMinutes(15), triggers[2].Schedule!.NextFireAt);
        Assert.Equal("PT15M", triggers[2].Key);
    }

    [Theory]
    [InlineData("""{}""", "triggers[0].config")]
    [InlineData("""{"at":"2027-01-01T00:00:00Z","interval":"PT1M"}""", "triggers[0].config")]
    [InlineData("""{"at":"tomorrow"}""", "triggers[0].config.at")]
    [InlineData("""{"interval":"15 minutes"}""", "triggers[0].config.interval")]
    [InlineData("""{"interval":"PT0S"}""", "triggers[0].config.interval")]
    public void Build_TimerTriggerWithBadConfig_ReportsTheField(string config, string field)
    {
        var (triggers, problems) = Build((TriggerKind.Timer, config));

        Assert.Empty(triggers);
        Assert.Equal(field, Assert.Single(problems).Field);
    }

    [Fact]
    public void HttpRoutes_IncludeTriggersAndLiteralEndpointRoutes_ButNotExpressions()
    {
        var lookup = new ActivityDescriptorCatalog(
        [
            new ActivityDescriptor
            {
                Type = WorkflowTriggerIndex.HttpEndpointActivityType,
                Kind = ActivityKind.Blocking,
                Inputs =
                [
                    new ActivityInputDescriptor { Name = "method", Type = JsonValueType.String, DefaultValue = JsonDocument.Parse("\"POST\"").RootElement.Clone() },
                    new ActivityInputDescriptor { Name = "path", Type = JsonValueType.String },
                ],
            },
        ]);
        var document = TestDefinitions.Parse("""
        {
          "schema": "wf/1", "definitionId": "routes",
          "triggers": [{"node": "start", "kind": "http", "config": {"method": "GET", "path": "/Orders"}}],
          "nodes": [
            {"id": "start", "type": "core.start"},
            {"id": "callback", "type": "http.endpoint", "inputs": {"path": "/callbacks/{id}"}},
            {"id": "dynamic", "type": "http.endpoint", "inputs": {"method": "PUT", "path": {"js": "'/x/' + input.id"}}}
          ]
        }
        """);

        var routes = WorkflowTriggerIndex.HttpRoutes(document, lookup);

        Assert.Equal(["GET /orders", "POST /callbacks/{id}"], routes.Order(StringComparer.Ordinal));
    }
}
