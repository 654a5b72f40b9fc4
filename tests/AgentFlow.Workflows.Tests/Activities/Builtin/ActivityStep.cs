using System.Text.Json.Nodes;
using AgentFlow.Workflows.Activities;
using Microsoft.Extensions.Time.Testing;

namespace AgentFlow.Workflows.Tests.Activities.Builtin;

/// One step of an activity the way the runtime runs it: bind the inputs (with defaults), then execute or resume.
internal sealed class ActivityStep<T>
    where T : IActivity, new()
{
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 8, 30, 0, TimeSpan.Zero);

    public ActivityStep(Dictionary<string, JsonNode?>? inputs = null, string nodeId = "node-1", int attempt = 1)
    {
        var descriptor = ActivityDescriptorFactory.Create(typeof(T));
        var withDefaults = ActivityInputBinder.WithDefaults(descriptor, inputs ?? []);
        ActivityInputBinder.Bind(Activity, descriptor, withDefaults);
        var instanceId = Guid.NewGuid();
        var tokenId = Guid.NewGuid();
        Context = new ActivityContext(
            instanceId, nodeId, tokenId, withDefaults, [], $"{instanceId}:{nodeId}:{tokenId}:{attempt}", Clock);
    }

    public FakeTimeProvider Clock { get; } = new(Now);

    public T Activity { get; } = new();

    public ActivityContext Context { get; }

    public async Task<ActivityResult> ExecuteAsync() => await Activity.ExecuteAsync(Context);

    public async Task<ActivityResult> ResumeAsync(WaitKind kind, string key, JsonNode? payload = null) =>
        await Activity.ResumeAsync(Context, new ResumeEvent(kind, key, payload));
}

internal static class Results
{
    public static ActivityResult.Completed Completed(ActivityResult result, params string[] outcomes)
    {
        var completed = Assert.IsType<ActivityResult.Completed>(result);
        Assert.Equal(outcomes, completed.Outcomes);
        return completed;
    }

    public static Wait SingleWait(ActivityResult result) => Assert.Single(Assert.IsType<ActivityResult.Suspended>(result).Waits);

    public static ActivityResult.Failed Failed(ActivityResult result, string messagePart, bool transient = false)
    {
        var failed = Assert.IsType<ActivityResult.Failed>(result);
        Assert.Contains(messagePart, failed.Error, StringComparison.Ordinal);
        Assert.Equal(transient, failed.Transient);
        return failed;
    }

    public static void AssertJson(string expectedJson, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedJson), actual), $"Expected {expectedJson} but was {actual?.ToJsonString() ?? "null"}.");
}
