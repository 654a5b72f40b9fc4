namespace AgentFlow.Workflows.Runtime;

/// <summary>What a work item asks for.</summary>
public static class WorkItemKinds
{
    public const string Start = "start";
    public const string Resume = "resume";
    public const string Timer = "timer";
    public const string Schedule = "schedule";
    public const string Continue = "continue";
    public const string Cancel = "cancel";
    public const string Retry = "retry";
}
