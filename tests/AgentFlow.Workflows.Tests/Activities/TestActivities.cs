using System.Text.Json.Nodes;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Definitions;

// Public activities here are found by RegisterFromAssembly; deliberately broken ones are internal so the scan skips them.
namespace AgentFlow.Workflows.Tests.Activities;

public enum SampleLevel
{
    Info,
    Warning,
}

[Activity("core.start", Category = "Core", DisplayName = "Start")]
public sealed class TestStartActivity : IActivity
{
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) => ValueTask.FromResult(ActivityResult.Complete());
}

/// Uses every attribute kind.
[Activity("test.sample", Category = "Testing", DisplayName = "Sample", Description = "Exercises every attribute.", Icon = "flask", Kind = ActivityKind.Blocking, Version = 2)]
[ActivityOutcomes("Approved", "Rejected")]
public sealed class SampleActivity : IActivity
{
    [ActivityInput(Description = "The text to show.", UiHint = "multiline", Required = true, Syntaxes = [ExpressionSyntax.Literal, ExpressionSyntax.Liquid])]
    public string Message { get; set; } = "";

    [ActivityInput(Default = "3")]
    public int RetryCount { get; set; }

    [ActivityInput]
    public double Ratio { get; set; }

    [ActivityInput]
    public decimal? Amount { get; set; }

    [ActivityInput(Default = "true")]
    public bool Verbose { get; set; }

    [ActivityInput(Default = "{\"a\":1}")]
    public JsonObject? Settings { get; set; }

    [ActivityInput]
    public JsonArray? Tags { get; set; }

    [ActivityInput]
    public List<string> Recipients { get; set; } = [];

    [ActivityInput]
    public Dictionary<string, int> Counts { get; set; } = [];

    [ActivityInput]
    public JsonNode? Payload { get; set; }

    [ActivityInput]
    public object? Anything { get; set; }

    [ActivityInput(Default = "\"Info\"")]
    public SampleLevel Level { get; set; }

    [ActivityInput(Name = "url")]
    public Uri? Endpoint { get; set; }

    [ActivityOutput(Description = "The produced text.")]
    public string ResultText { get; set; } = "";

    [ActivityOutput]
    public long ItemCount { get; set; }

    [ActivityOutput]
    public JsonObject? Details { get; set; }

    public string NotDeclared { get; set; } = "";

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) =>
        ValueTask.FromResult(ActivityResult.Suspend(new Wait(WaitKind.Approval, context.NodeId)));

    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeEvent resumeEvent) =>
        ValueTask.FromResult(ActivityResult.Complete(resumeEvent.Payload?.GetValue<string>() ?? "Rejected"));
}

[Activity("test.sample", Category = "Testing", DisplayName = "Sample (old)")]
public sealed class SampleActivityV1 : IActivity
{
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) => ValueTask.FromResult(ActivityResult.Complete());
}

[Activity("test.switch", Category = "Testing")]
[DynamicOutcomes]
[DynamicOutputs]
public sealed class SwitchTestActivity : IActivity
{
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) => ValueTask.FromResult(ActivityResult.Complete("anything"));
}

/// No optional attributes: outcome Done, display name = type name, Action kind. Keeps the default ResumeAsync.
[Activity("test.plain")]
public sealed class PlainTestActivity : IActivity
{
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) =>
        ValueTask.FromResult(ActivityResult.Suspend(new Wait(WaitKind.Signal, "go")));
}

/// Skipped by the scan: abstract.
[Activity("test.abstract")]
public abstract class AbstractTestActivity : IActivity
{
    public abstract ValueTask<ActivityResult> ExecuteAsync(ActivityContext context);
}

/// Skipped by the scan: not an activity.
[Activity("test.notAnActivity")]
public sealed class NotAnActivity;

/// Skipped by the scan: no [Activity].
public sealed class UndeclaredActivity : IActivity
{
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) => ValueTask.FromResult(ActivityResult.Complete());
}

[Activity("test.sample", Version = 2)]
internal sealed class DuplicateSampleActivity : IActivity
{
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) => ValueTask.FromResult(ActivityResult.Complete());
}

[Activity("test.badDefault")]
internal sealed class InvalidDefaultJsonActivity : IActivity
{
    [ActivityInput(Default = "not json")]
    public string Text { get; set; } = "";

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) => ValueTask.FromResult(ActivityResult.Complete());
}

[Activity("test.mismatchedDefault")]
internal sealed class MismatchedDefaultActivity : IActivity
{
    [ActivityInput(Default = "\"three\"")]
    public int Count { get; set; }

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) => ValueTask.FromResult(ActivityResult.Complete());
}

[Activity("test.duplicateInput")]
internal sealed class DuplicateInputActivity : IActivity
{
    [ActivityInput]
    public string Text { get; set; } = "";

    [ActivityInput(Name = "text")]
    public string Other { get; set; } = "";

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) => ValueTask.FromResult(ActivityResult.Complete());
}
