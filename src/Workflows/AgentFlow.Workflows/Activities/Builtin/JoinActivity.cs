namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>
/// Merges branches. The activity itself does nothing: the node's <c>join</c> field (any, all, race) tells the
/// executor how many arriving tokens it takes to run it.
/// </summary>
[Activity("core.join", Category = "Flow", DisplayName = "Join", Icon = "merge",
    Description = "Merges parallel branches; set the node's join to \"all\" to wait for every branch or \"race\" for the first.")]
public sealed class JoinActivity : IActivity
{
    /// <inheritdoc />
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) => ValueTask.FromResult(ActivityResult.Complete());
}
