namespace AgentFlow.Host.Tests.Workflows.Infrastructure;

/// <summary>Definitions used by the durability tests, built from built-in activities only.</summary>
public static class TestWorkflows
{
    /// <summary>start → approve (human.approval, timeout PT1H → escalate) → end; escalate → approve2 (no timeout) → end.</summary>
    public const string Approval = """
    {
      "schema": "wf/1", "definitionId": "approval", "name": "Approval with escalation",
      "variables": [{"name": "decision", "type": "string"}, {"name": "assignee", "type": "string", "default": "manager"}],
      "outputs": [{"name": "decision", "from": {"var": "decision"}}],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "approve", "type": "human.approval", "inputs": {"assignee": {"var": "assignee"}, "subject": "Expense"},
         "outputs": {"decision": "decision"}, "timeout": {"after": "PT1H", "outcome": "TimedOut"}},
        {"id": "escalate", "type": "core.set", "inputs": {"variable": "assignee", "value": "director"}},
        {"id": "approve2", "type": "human.approval", "inputs": {"assignee": {"var": "assignee"}, "subject": "Escalated"},
         "outputs": {"decision": "decision"}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [
        {"from": "start", "to": "approve"},
        {"from": "approve", "on": "Approved", "to": "end"}, {"from": "approve", "on": "Rejected", "to": "end"},
        {"from": "approve", "on": "TimedOut", "to": "escalate"}, {"from": "escalate", "to": "approve2"},
        {"from": "approve2", "on": "Approved", "to": "end"}, {"from": "approve2", "on": "Rejected", "to": "end"}
      ]
    }
    """;

    /// <summary>start → wait for signal "go" → end, with the signal's payload as output.</summary>
    public const string Signal = """
    {
      "schema": "wf/1", "definitionId": "signal", "name": "Wait for a signal",
      "variables": [{"name": "received"}],
      "outputs": [{"name": "received", "from": {"var": "received"}}],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "wait", "type": "core.waitSignal", "inputs": {"name": "go"}, "outputs": {"payload": "received"}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [{"from": "start", "to": "wait"}, {"from": "wait", "to": "end"}]
    }
    """;

    /// <summary>Counts "tick" signals in a loop and ends after <paramref name="ticks"/>.</summary>
    public static string Counter(int ticks) => CounterTemplate.Replace("TICKS", ticks.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private const string CounterTemplate = """
    {
      "schema": "wf/1", "definitionId": "counter", "name": "Count ticks",
      "variables": [{"name": "count", "type": "number", "default": 0}],
      "outputs": [{"name": "count", "from": {"var": "count"}}],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "wait", "type": "core.waitSignal", "inputs": {"name": "tick"}},
        {"id": "add", "type": "core.set", "inputs": {"variable": "count", "value": {"js": "vars.count + 1"}}},
        {"id": "done", "type": "core.if", "inputs": {"condition": {"js": "vars.count >= TICKS"}}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [
        {"from": "start", "to": "wait"}, {"from": "wait", "to": "add"}, {"from": "add", "to": "done"},
        {"from": "done", "on": "True", "to": "end"}, {"from": "done", "on": "False", "to": "wait"}
      ]
    }
    """;
}
