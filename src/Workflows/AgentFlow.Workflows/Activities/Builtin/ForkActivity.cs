namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>Splits the flow into parallel branches: one token leaves through every branch outcome.</summary>
[Activity("core.fork", Category = "Flow", DisplayName = "Fork", Icon = "git-fork",
    Description = "Starts parallel branches: a token leaves through every listed branch. Join them with a node whose join is \"all\".")]
[ActivityOutcomes]
[DynamicOutcomes]
public sealed class ForkActivity : IActivity
{
    /// <summary>The branch outcomes.</summary>
    [ActivityInput(Description = "The names of the branches; each is an outcome of the node.", Required = true, UiHint = "list")]
    public List<string> Branches { get; set; } = [];

    /// <inheritdoc />
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        var branches = Branches.Where(b => !string.IsNullOrWhiteSpace(b)).Distinct(StringComparer.Ordinal).ToList();
        return ValueTask.FromResult(branches.Count == 0
            ? ActivityResult.Fail("A fork needs at least one branch.")
            : ActivityResult.Complete(branches));
    }
}
