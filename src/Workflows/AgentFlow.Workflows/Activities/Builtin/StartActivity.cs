namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>The entry point of a workflow started without a trigger (or by one whose stimulus needs no node of its own).</summary>
[Activity("core.start", Category = "Core", DisplayName = "Start", Icon = "play",
    Description = "Where a workflow begins. Tokens leave immediately through Done.")]
public sealed class StartActivity : IActivity
{
    /// <inheritdoc />
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) => ValueTask.FromResult(ActivityResult.Complete());
}
