using System.Text.Json.Nodes;
using AgentFlow.Workflows.Activities;

namespace AgentFlow.Workflows.Tests.Activities;

public sealed class ActivityContextTests
{
    private static ActivityContext Context(Dictionary<string, JsonNode?>? inputs = null) => new(
        Guid.NewGuid(), "node-1", Guid.NewGuid(), inputs ?? [], [], "step-key", TimeProvider.System);

    [Fact]
    public void GetInput_JsonValues_ConvertToRequestedTypes()
    {
        var context = Context(new()
        {
            ["count"] = 5,
            ["ratio"] = 0.25,
            ["name"] = "Ada",
            ["flag"] = true,
            ["level"] = "Warning",
            ["tags"] = new JsonArray("a", "b"),
            ["settings"] = new JsonObject { ["x"] = 1 },
        });

        Assert.Equal(5, context.GetInput<int>("count"));
        Assert.Equal(5L, context.GetInput<long>("count"));
        Assert.Equal(0.25m, context.GetInput<decimal>("ratio"));
        Assert.Equal("Ada", context.GetInput<string>("name"));
        Assert.True(context.GetInput<bool>("flag"));
        Assert.Equal(SampleLevel.Warning, context.GetInput<SampleLevel>("level"));
        Assert.Equal(["a", "b"], context.GetInput<List<string>>("tags"));
        Assert.Equal(1, context.GetInput<JsonObject>("settings")!["x"]!.GetValue<int>());
        Assert.Equal(1, context.GetInput<Dictionary<string, int>>("settings")!["x"]);
    }

    [Fact]
    public void GetInput_MissingOrNull_ReturnsDefault()
    {
        var context = Context(new() { ["empty"] = null });

        Assert.Equal(0, context.GetInput<int>("missing"));
        Assert.Null(context.GetInput<string>("empty"));
        Assert.Null(context.GetInput<int?>("empty"));
    }

    [Fact]
    public void GetInput_IncompatibleValue_ThrowsNamingInputAndNode()
    {
        var context = Context(new() { ["count"] = "three" });

        var ex = Assert.Throws<InvalidOperationException>(() => context.GetInput<int>("count"));

        Assert.Contains("\"count\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"node-1\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Emit_SeveralMessages_CollectsThemInOrder()
    {
        var context = Context();
        var first = new OutboxMessage("email", new JsonObject { ["to"] = "a@example.com" });
        var second = new OutboxMessage("http");

        context.Emit(first);
        context.Emit(second);

        Assert.Equal([first, second], context.EmittedMessages);
    }

    [Fact]
    public void Constructor_KeepsIdentityClockAndState()
    {
        var instanceId = Guid.NewGuid();
        var tokenId = Guid.NewGuid();
        var state = new JsonObject { ["attempt"] = 2 };

        var context = new ActivityContext(instanceId, "n", tokenId, new Dictionary<string, JsonNode?>(), state, "idem", TimeProvider.System);

        Assert.Equal(instanceId, context.WorkflowInstanceId);
        Assert.Equal("n", context.NodeId);
        Assert.Equal(tokenId, context.TokenId);
        Assert.Same(state, context.State);
        Assert.Equal("idem", context.IdempotencyKey);
        Assert.Same(TimeProvider.System, context.TimeProvider);
        Assert.Empty(context.EmittedMessages);
    }
}

public sealed class ActivityResultTests
{
    [Fact]
    public void Complete_NoOutcome_IsDoneWithoutOutputs()
    {
        var result = Assert.IsType<ActivityResult.Completed>(ActivityResult.Complete());

        Assert.Equal(["Done"], result.Outcomes);
        Assert.Empty(result.Outputs);
    }

    [Fact]
    public void Complete_OutcomesAndOutputs_AreKept()
    {
        var outputs = new Dictionary<string, JsonNode?> { ["decision"] = "Approved" };

        var result = Assert.IsType<ActivityResult.Completed>(ActivityResult.Complete(["A", "B"], outputs));

        Assert.Equal(["A", "B"], result.Outcomes);
        Assert.Equal("Approved", result.Outputs["decision"]!.GetValue<string>());
    }

    [Fact]
    public void Complete_EmptyOutcome_Throws()
    {
        Assert.Throws<ArgumentException>(() => ActivityResult.Complete(["Done", " "]));
    }

    [Fact]
    public void Suspend_Waits_AreKept()
    {
        var due = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var result = Assert.IsType<ActivityResult.Suspended>(ActivityResult.Suspend(
            new Wait(WaitKind.Approval, "approve-1"), new Wait(WaitKind.Timer, "timeout", DueAt: due)));

        Assert.Equal([WaitKind.Approval, WaitKind.Timer], result.Waits.Select(w => w.Kind));
        Assert.Equal(due, result.Waits[1].DueAt);
    }

    [Fact]
    public void Suspend_NoWaits_Throws()
    {
        Assert.Throws<ArgumentException>(() => ActivityResult.Suspend());
    }

    [Fact]
    public void Fail_KeepsErrorAndTransience()
    {
        var result = Assert.IsType<ActivityResult.Failed>(ActivityResult.Fail("SMTP down", transient: true));

        Assert.Equal("SMTP down", result.Error);
        Assert.True(result.Transient);
        Assert.False(Assert.IsType<ActivityResult.Failed>(ActivityResult.Fail("bad input")).Transient);
    }

    [Fact]
    public async Task ResumeAsync_NotOverridden_CompletesWithDone()
    {
        IActivity activity = new PlainTestActivity();
        var context = new ActivityContext(Guid.NewGuid(), "n", Guid.NewGuid(), new Dictionary<string, JsonNode?>(), [], "k", TimeProvider.System);

        var suspended = await activity.ExecuteAsync(context);
        var resumed = await activity.ResumeAsync(context, new ResumeEvent(WaitKind.Signal, "go"));

        Assert.IsType<ActivityResult.Suspended>(suspended);
        Assert.Equal(["Done"], Assert.IsType<ActivityResult.Completed>(resumed).Outcomes);
    }

    [Fact]
    public async Task ResumeAsync_Overridden_UsesResumePayload()
    {
        IActivity activity = new SampleActivity();
        var context = new ActivityContext(Guid.NewGuid(), "n", Guid.NewGuid(), new Dictionary<string, JsonNode?>(), [], "k", TimeProvider.System);

        var resumed = await activity.ResumeAsync(context, new ResumeEvent(WaitKind.Approval, "n", "Approved"));

        Assert.Equal(["Approved"], Assert.IsType<ActivityResult.Completed>(resumed).Outcomes);
    }
}
