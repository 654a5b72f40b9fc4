using AgentFlow.Engine.Activity;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentFlow.Engine.Tests.Activity;

/// <summary>The recorder and its writer over a real SQLite database of their own (each test stops its writer).</summary>
public sealed class ActivityRecorderTests
{
    [Fact]
    public async Task Flush_AfterManyRecords_WritesThemAllAndPublishesInIdOrder()
    {
        await using var engine = await SqliteEngineFixture.StartAsync();
        var org = await engine.CreateOrganizationAsync();
        var writer = engine.Services.GetRequiredService<ActivityWriter>();
        var recorder = engine.Services.GetRequiredService<IActivityRecorder>();
        var hub = engine.Services.GetRequiredService<ActivityHub>();
        await writer.StartAsync(CancellationToken.None);
        var (subscription, _) = hub.Subscribe(org, null, null);
        using var _s = subscription;

        // More than one batch (500), fewer than a subscriber queue holds (1,000) before it is cut off.
        for (var i = 0; i < 900; i++)
        {
            Assert.True(recorder.Record(new ActivityEventInput(org, null, "bulk", new { i })));
        }

        await recorder.FlushAsync();
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(900, await CountEventsAsync(engine, org));
        var published = new List<long>();
        while (subscription.Events.TryRead(out var e))
        {
            published.Add(e.Id);
        }

        Assert.Equal(900, published.Count);
        Assert.Equal(published.Order(), published);
    }

    [Fact]
    public async Task Stop_WithRecordsQueued_DrainsThemBeforeStopping()
    {
        await using var engine = await SqliteEngineFixture.StartAsync();
        var org = await engine.CreateOrganizationAsync();
        var writer = engine.Services.GetRequiredService<ActivityWriter>();
        var recorder = engine.Services.GetRequiredService<IActivityRecorder>();
        // Queued before the writer runs, so nothing can have been written when the stop begins.
        for (var i = 0; i < 50; i++)
        {
            recorder.Record(new ActivityEventInput(org, null, "queued"));
        }

        await writer.StartAsync(CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(50, await CountEventsAsync(engine, org));
    }

    [Fact]
    public async Task Record_AfterStop_IsDroppedAndCounted()
    {
        await using var engine = await SqliteEngineFixture.StartAsync();
        var org = await engine.CreateOrganizationAsync();
        var writer = engine.Services.GetRequiredService<ActivityWriter>();
        var recorder = engine.Services.GetRequiredService<ActivityRecorder>();
        await writer.StartAsync(CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);

        var accepted = recorder.Record(new ActivityEventInput(org, null, "late"));
        await recorder.FlushAsync();

        Assert.False(accepted);
        Assert.Equal(1, recorder.Dropped);
        Assert.Equal(0, await CountEventsAsync(engine, org));
    }

    [Fact]
    public void Record_QueueFull_DropsNewRecordsInsteadOfBlocking()
    {
        var recorder = new ActivityRecorder(Options.Create(new ActivityOptions { QueueCapacity = 16 }), TimeProvider.System, NullLogger<ActivityRecorder>.Instance);
        var org = Guid.NewGuid();

        var accepted = Enumerable.Range(0, 20).Count(_ => recorder.Record(new ActivityEventInput(org, null, "burst")));
        var toolCall = recorder.StartToolCall(new ToolCallStartInput(org, Guid.NewGuid(), "tool"));

        Assert.Equal(16, accepted);
        Assert.Null(toolCall);
        Assert.Equal(5, recorder.Dropped);
    }

    [Fact]
    public void Record_SecretsInData_AreMaskedBeforeQueueing()
    {
        var recorder = new ActivityRecorder(Options.Create(new ActivityOptions()), TimeProvider.System, NullLogger<ActivityRecorder>.Instance);

        recorder.StartToolCall(new ToolCallStartInput(Guid.NewGuid(), Guid.NewGuid(), "tool", new { token = "t0p", nested = new { password = "p" } }));

        Assert.True(recorder.Reader.TryRead(out var op));
        var start = Assert.IsType<ToolStartOp>(op);
        Assert.DoesNotContain("t0p", start.Call.Parameters, StringComparison.Ordinal);
        Assert.DoesNotContain("\"p\"", start.Call.Parameters, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bad\ntype")]
    public void Record_InvalidType_ThrowsValidation(string type)
    {
        var recorder = new ActivityRecorder(Options.Create(new ActivityOptions()), TimeProvider.System, NullLogger<ActivityRecorder>.Instance);

        Assert.Throws<InputValidationException>(() => recorder.Record(new ActivityEventInput(Guid.NewGuid(), null, type)));
    }

    [Fact]
    public void RecordMessage_UnknownRole_ThrowsValidation()
    {
        var recorder = new ActivityRecorder(Options.Create(new ActivityOptions()), TimeProvider.System, NullLogger<ActivityRecorder>.Instance);

        Assert.Throws<InputValidationException>(() => recorder.RecordMessage(new ConversationMessageInput(Guid.NewGuid(), Guid.NewGuid(), "s", "robot", "hi")));
    }

    private static async Task<int> CountEventsAsync(EngineFixture engine, Guid org)
    {
        await using var scope = engine.CreateScope(org);
        return await scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>().ActivityEvents.CountAsync();
    }
}
