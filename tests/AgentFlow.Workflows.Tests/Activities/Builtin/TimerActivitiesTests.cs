using System.Text.Json.Nodes;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Activities.Builtin;
using static AgentFlow.Workflows.Tests.Activities.Builtin.Results;

namespace AgentFlow.Workflows.Tests.Activities.Builtin;

public sealed class TimerActivitiesTests
{
    private static readonly DateTimeOffset Now = ActivityStep<DelayActivity>.Now;

    [Fact]
    public async Task Delay_Duration_WaitsOnTimerKeyedByStep()
    {
        var step = new ActivityStep<DelayActivity>(new() { ["duration"] = "PT5M" });

        var wait = SingleWait(await step.ExecuteAsync());

        Assert.Equal(WaitKind.Timer, wait.Kind);
        Assert.Equal(step.Context.IdempotencyKey, wait.Key);
        Assert.Equal(Now.AddMinutes(5), wait.DueAt);
    }

    [Fact]
    public async Task Delay_DurationInDays_UsesTheClock()
    {
        var step = new ActivityStep<DelayActivity>(new() { ["duration"] = "P1DT2H" });
        step.Clock.Advance(TimeSpan.FromHours(1));

        var wait = SingleWait(await step.ExecuteAsync());

        Assert.Equal(Now.AddHours(1).AddDays(1).AddHours(2), wait.DueAt);
    }

    [Fact]
    public async Task Delay_RetriedStep_WaitsOnANewKey()
    {
        var first = new ActivityStep<DelayActivity>(new() { ["duration"] = "PT5M" }, attempt: 1);
        var second = new ActivityStep<DelayActivity>(new() { ["duration"] = "PT5M" }, attempt: 2);

        var firstKey = SingleWait(await first.ExecuteAsync()).Key;
        var secondKey = SingleWait(await second.ExecuteAsync()).Key;

        Assert.EndsWith(":1", firstKey, StringComparison.Ordinal);
        Assert.EndsWith(":2", secondKey, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-03-05T10:00:00+01:00", "2026-03-05T09:00:00Z")]
    [InlineData("2026-03-05T10:00:00Z", "2026-03-05T10:00:00Z")]
    [InlineData("2026-03-05T10:00:00", "2026-03-05T10:00:00Z")]
    public async Task Delay_Until_WaitsUntilThatInstant(string until, string expected)
    {
        var step = new ActivityStep<DelayActivity>(new() { ["until"] = until });

        var wait = SingleWait(await step.ExecuteAsync());

        Assert.Equal(WaitKind.Timer, wait.Kind);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), wait.DueAt);
    }

    [Fact]
    public async Task Delay_UntilInThePast_StillSuspends()
    {
        var step = new ActivityStep<DelayActivity>(new() { ["until"] = "2020-01-01T00:00:00Z" });

        var wait = SingleWait(await step.ExecuteAsync());

        Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), wait.DueAt);
    }

    [Theory]
    [InlineData(null, null, "needs a duration")]
    [InlineData("", " ", "needs a duration")]
    [InlineData("PT5M", "2026-03-05T10:00:00Z", "not both")]
    [InlineData("5 minutes", null, "not an ISO-8601 duration")]
    [InlineData("PT0S", null, "must be positive")]
    [InlineData("-PT5M", null, "must be positive")]
    [InlineData(null, "next tuesday", "not an ISO-8601 date-time")]
    public async Task Delay_MissingOrInvalidInputs_FailsPermanently(string? duration, string? until, string message)
    {
        var step = new ActivityStep<DelayActivity>(new() { ["duration"] = duration, ["until"] = until });

        Failed(await step.ExecuteAsync(), message);
    }

    [Fact]
    public async Task Delay_Resume_CompletesWithDone()
    {
        var step = new ActivityStep<DelayActivity>(new() { ["duration"] = "PT5M" });

        Completed(await step.ResumeAsync(WaitKind.Timer, step.Context.IdempotencyKey), "Done");
    }

    [Fact]
    public async Task Timer_At_WaitsUntilThatInstant()
    {
        var step = new ActivityStep<TimerActivity>(new() { ["at"] = "2026-04-01T12:00:00Z" });

        var wait = SingleWait(await step.ExecuteAsync());

        Assert.Equal(WaitKind.Timer, wait.Kind);
        Assert.Equal(step.Context.IdempotencyKey, wait.Key);
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 12, 0, 0, TimeSpan.Zero), wait.DueAt);
    }

    [Fact]
    public async Task Timer_Interval_WaitsFromNow()
    {
        var step = new ActivityStep<TimerActivity>(new() { ["interval"] = "PT1H30M" });

        var wait = SingleWait(await step.ExecuteAsync());

        Assert.Equal(Now.AddMinutes(90), wait.DueAt);
    }

    [Theory]
    [InlineData(null, null, "needs an at date-time or an interval")]
    [InlineData("2026-04-01T12:00:00Z", "PT1H", "not both")]
    [InlineData("tomorrow", null, "not an ISO-8601 date-time")]
    [InlineData(null, "1h", "not an ISO-8601 duration")]
    public async Task Timer_MissingOrInvalidInputs_FailsPermanently(string? at, string? interval, string message)
    {
        var step = new ActivityStep<TimerActivity>(new() { ["at"] = at, ["interval"] = interval });

        Failed(await step.ExecuteAsync(), message);
    }

    [Fact]
    public async Task Timer_ResumeWithFiredAt_OutputsIt()
    {
        var step = new ActivityStep<TimerActivity>(new() { ["interval"] = "PT1H" });

        var completed = Completed(await step.ResumeAsync(WaitKind.Timer, "t", new JsonObject { ["firedAt"] = "2026-03-02T10:30:00+01:00" }), "Done");

        Assert.Equal("2026-03-02T09:30:00.0000000+00:00", completed.Outputs["firedAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task Timer_ResumeWithoutFiredAt_OutputsTheClock()
    {
        var step = new ActivityStep<TimerActivity>(new() { ["interval"] = "PT1H" });
        step.Clock.Advance(TimeSpan.FromHours(1));

        var completed = Completed(await step.ResumeAsync(WaitKind.Timer, "t"), "Done");

        Assert.Equal("2026-03-02T09:30:00.0000000+00:00", completed.Outputs["firedAt"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("0 9 * * *", "2026-03-02T09:00:00Z")]
    [InlineData("30 0 9 * * *", "2026-03-02T09:00:30Z")]
    [InlineData("0 9 * * SAT", "2026-03-07T09:00:00Z")]
    [InlineData("*/20 * * * *", "2026-03-02T08:40:00Z")]
    [InlineData("@daily", "2026-03-03T00:00:00Z")]
    public async Task Cron_Expression_WaitsForNextOccurrenceInUtc(string expression, string expected)
    {
        var step = new ActivityStep<CronActivity>(new() { ["expression"] = expression });

        var wait = SingleWait(await step.ExecuteAsync());

        Assert.Equal(WaitKind.Timer, wait.Kind);
        Assert.Equal(step.Context.IdempotencyKey, wait.Key);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), wait.DueAt);
    }

    [Fact]
    public async Task Cron_TimeZone_ReadsTheScheduleInThatZone()
    {
        // 09:00 in Paris is 08:00 UTC in March, already past at 08:30 UTC: the next one is the following day.
        var step = new ActivityStep<CronActivity>(new() { ["expression"] = "0 9 * * *", ["timeZone"] = "Europe/Paris" });

        var wait = SingleWait(await step.ExecuteAsync());

        Assert.Equal(new DateTimeOffset(2026, 3, 3, 8, 0, 0, TimeSpan.Zero), wait.DueAt);
    }

    [Fact]
    public void TryGetNextOccurrence_AcrossDaylightSavingChange_KeepsLocalTime()
    {
        var found = CronActivity.TryGetNextOccurrence(
            "0 9 * * *", "Europe/Paris", new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero), out var next, out var error);

        Assert.True(found, error);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 7, 0, 0, TimeSpan.Zero), next);
    }

    [Theory]
    [InlineData("", "UTC", "required")]
    [InlineData("0 9 * *", "UTC", "4 fields")]
    [InlineData("0 0 9 * * * *", "UTC", "7 fields")]
    [InlineData("61 * * * *", "UTC", "not a valid cron expression")]
    [InlineData("0 9 * * *", "Mars/Olympus_Mons", "not a known time zone")]
    [InlineData("0 0 30 2 *", "UTC", "no occurrence")]
    public async Task Cron_InvalidScheduleOrZone_FailsPermanently(string expression, string timeZone, string message)
    {
        var step = new ActivityStep<CronActivity>(new() { ["expression"] = expression, ["timeZone"] = timeZone });

        Failed(await step.ExecuteAsync(), message);
    }

    [Fact]
    public async Task Cron_Resume_CompletesWithFiredAt()
    {
        var step = new ActivityStep<CronActivity>(new() { ["expression"] = "0 9 * * *" });

        var completed = Completed(await step.ResumeAsync(WaitKind.Timer, "cron", new JsonObject { ["firedAt"] = "2026-03-02T09:00:00Z" }), "Done");

        Assert.Equal("2026-03-02T09:00:00.0000000+00:00", completed.Outputs["firedAt"]!.GetValue<string>());
    }
}
