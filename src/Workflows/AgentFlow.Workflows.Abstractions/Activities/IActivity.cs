namespace AgentFlow.Workflows.Activities;

/// <summary>
/// The behaviour of a workflow node. An activity ends every step with an <see cref="ActivityResult"/>;
/// it never calls back into the runtime, so a step can be replayed and tested without a database.
/// </summary>
public interface IActivity
{
    /// <summary>Runs the activity when a token arrives at its node.</summary>
    /// <param name="context">The evaluated inputs, the node-local state and the side-effect collector.</param>
    /// <returns>How the step ended: completed, suspended or failed.</returns>
    ValueTask<ActivityResult> ExecuteAsync(ActivityContext context);

    /// <summary>
    /// Continues the activity after one of the waits it suspended on was satisfied.
    /// The default completes with the <c>Done</c> outcome, which suits activities that only wait for a go-ahead.
    /// </summary>
    /// <param name="context">The evaluated inputs, the node-local state and the side-effect collector.</param>
    /// <param name="resumeEvent">The stimulus that satisfied the wait.</param>
    /// <returns>How the step ended: completed, suspended again or failed.</returns>
    ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeEvent resumeEvent) =>
        ValueTask.FromResult(ActivityResult.Complete());
}
