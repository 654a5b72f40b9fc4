using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFlow.Host.Tests.Infrastructure;
using AgentFlow.Workflows.Activities;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Api.Workflows;

/// <summary>
/// Activity types for definition tests. The built-in activities land separately: <c>core.start</c> and
/// <c>http.endpoint</c> stand-ins are registered only while the registry has no such type, so these tests keep
/// working (on the real types) once the built-ins are in.
/// </summary>
public sealed class WorkflowTestActivities : IActivityTypeContribution
{
    public void Register(ActivityTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (!registry.TryGet("core.start", out _))
        {
            registry.Register<TestStartActivity>();
        }

        if (!registry.TryGet("http.endpoint", out _))
        {
            registry.Register<TestHttpEndpointActivity>();
        }

        registry.Register<TestStepActivity>();
        registry.Register<TestWaitActivity>();
    }
}

[Activity("core.start", Category = "Test")]
public sealed class TestStartActivity : IActivity
{
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) => ValueTask.FromResult(ActivityResult.Complete());
}

[Activity("test.step", Category = "Test", DisplayName = "Test step", Description = "Completes at once with its value as result.")]
public sealed class TestStepActivity : IActivity
{
    [ActivityInput(Description = "Any value.")]
    public JsonNode? Value { get; set; }

    [ActivityOutput(Description = "The value.")]
    public JsonNode? Result { get; set; }

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) => ValueTask.FromResult(ActivityResult.Complete());
}

[Activity("test.wait", Category = "Test", DisplayName = "Test wait", Kind = ActivityKind.Blocking)]
[ActivityOutcomes("Done", "Cancelled")]
public sealed class TestWaitActivity : IActivity
{
    [ActivityInput]
    public string? Name { get; set; }

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) =>
        ValueTask.FromResult(ActivityResult.Suspend(new Wait(WaitKind.Signal, "test")));
}

[Activity("http.endpoint", Category = "Test", Kind = ActivityKind.Blocking)]
public sealed class TestHttpEndpointActivity : IActivity
{
    [ActivityInput(Default = "\"POST\"")]
    public string? Method { get; set; }

    [ActivityInput(Required = true)]
    public string Path { get; set; } = "";

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) =>
        ValueTask.FromResult(ActivityResult.Suspend(new Wait(WaitKind.Http, "test")));
}

/// <summary>The Host with the test activity types and a seed folder holding one definition (<see cref="WorkflowFixtureSetup.SeededDefinitionId"/>).</summary>
public sealed class SqliteWorkflowHostFixture : SqliteHostFixture
{
    public SqliteWorkflowHostFixture() => SeedDirectory = WorkflowFixtureSetup.CreateSeedFolder(DataDirectory);

    public string SeedDirectory { get; }

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => WorkflowFixtureSetup.Settings(SeedDirectory);

    protected override void ConfigureTestServices(IServiceCollection services) => WorkflowFixtureSetup.AddTestActivities(services);
}

/// <inheritdoc cref="SqliteWorkflowHostFixture"/>
public sealed class PostgresWorkflowHostFixture : PostgresHostFixture
{
    public PostgresWorkflowHostFixture() => SeedDirectory = WorkflowFixtureSetup.CreateSeedFolder(DataDirectory);

    public string SeedDirectory { get; }

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => WorkflowFixtureSetup.Settings(SeedDirectory);

    protected override void ConfigureTestServices(IServiceCollection services) => WorkflowFixtureSetup.AddTestActivities(services);
}

internal static class WorkflowFixtureSetup
{
    public const string SeededDefinitionId = "seeded-hello";

    public static string CreateSeedFolder(string dataDirectory)
    {
        var folder = Path.Combine(dataDirectory, "seed-workflows");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, $"{SeededDefinitionId}.json"), Wf.Definition(SeededDefinitionId, "Seeded hello"));
        return folder;
    }

    public static Dictionary<string, string?> Settings(string seedDirectory) => new()
    {
        ["AgentFlow:Workflows:SeedDirectory"] = seedDirectory,
        // Definition tests need no workers; started instances (when the runtime is in) run their first burst inline.
        ["AgentFlow:Workflows:Runtime:RunBackgroundServices"] = "false",
    };

    public static void AddTestActivities(IServiceCollection services) =>
        services.AddSingleton<IActivityTypeContribution, WorkflowTestActivities>();
}

/// <summary>Builds "wf/1" documents for tests.</summary>
internal static class Wf
{
    private static readonly string[] Severities = ["error", "warning"];

    /// <summary>start → work (test.step), valid; <paramref name="customize"/> adds triggers, nodes, defects.</summary>
    public static string Definition(string definitionId, string? name = null, Action<JsonObject>? customize = null)
    {
        var document = new JsonObject
        {
            ["schema"] = "wf/1",
            ["definitionId"] = definitionId,
            ["version"] = 1,
            ["name"] = name ?? definitionId,
            ["nodes"] = new JsonArray(
                new JsonObject { ["id"] = "start", ["type"] = "core.start" },
                new JsonObject { ["id"] = "work", ["type"] = "test.step", ["inputs"] = new JsonObject { ["value"] = "hello" } }),
            ["edges"] = new JsonArray(new JsonObject { ["from"] = "start", ["to"] = "work" }),
        };
        customize?.Invoke(document);
        return document.ToJsonString();
    }

    public static void AddTrigger(JsonObject document, string kind, JsonObject config)
    {
        if (document["triggers"] is not JsonArray triggers)
        {
            document["triggers"] = triggers = [];
        }

        triggers.Add(new JsonObject { ["node"] = "start", ["kind"] = kind, ["config"] = config });
    }

    public static void AddHttpTrigger(JsonObject document, string method, string path) =>
        AddTrigger(document, "http", new JsonObject { ["method"] = method, ["path"] = path });

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Asserts 400 VALIDATION_ERROR whose <c>details</c> is the list of definition problems; returns that list.</summary>
    public static async Task<List<JsonElement>> AssertDefinitionProblemsAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"Expected 400, got {(int)response.StatusCode}: {body}");
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString() ?? string.Empty, StringComparison.Ordinal);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("VALIDATION_ERROR", problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("error").GetString()));
        var details = problem.GetProperty("details");
        Assert.Equal(JsonValueKind.Array, details.ValueKind);
        var list = details.EnumerateArray().ToList();
        Assert.All(list, p =>
        {
            Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("field").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("message").GetString()));
            Assert.True(p.TryGetProperty("nodeId", out _));
            Assert.Contains(p.GetProperty("severity").GetString(), Severities);
        });
        return list;
    }

    public static async Task<JsonElement> CreateAsync(this HttpClient client, string json)
    {
        var response = await client.PostAsync("/api/workflows/definitions", Json(json));
        return (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data");
    }

    public static async Task<JsonElement> PublishAsync(this HttpClient client, string definitionId, int? version = null)
    {
        var response = await client.PostAsync($"/api/workflows/definitions/{definitionId}/publish{(version is { } v ? $"?version={v}" : "")}", null);
        return (await response.AssertSuccessAsync()).GetProperty("data");
    }

    public static async Task<List<JsonElement>> VersionsAsync(this HttpClient client, string definitionId)
    {
        var response = await client.GetAsync($"/api/workflows/definitions/{definitionId}/versions");
        return [.. (await response.AssertSuccessAsync()).GetProperty("data").EnumerateArray()];
    }

    public static Task<HttpResponseMessage> PostEmptyAsync(this HttpClient client, string url) => client.PostAsync(url, null);

    public static Task<HttpResponseMessage> PostJsonAsync<T>(this HttpClient client, string url, T body) => client.PostAsJsonAsync(url, body);
}
