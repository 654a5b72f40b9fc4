namespace AgentFlow.WorkflowBench;

/// <summary>The definitions the benchmark runs.</summary>
internal static class BenchWorkflows
{
    /// <summary>Five activities in a row, all completing in the first burst.</summary>
    public const string Linear = """
    {
      "schema": "wf/1", "definitionId": "bench-linear", "name": "Five activities",
      "inputs": [{"name": "n", "type": "number"}],
      "variables": [{"name": "a"}, {"name": "b"}, {"name": "c"}],
      "outputs": [{"name": "c", "from": {"var": "c"}}],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "a", "type": "core.set", "inputs": {"variable": "a", "value": {"js": "input.n"}}},
        {"id": "b", "type": "core.set", "inputs": {"variable": "b", "value": "two"}},
        {"id": "c", "type": "core.set", "inputs": {"variable": "c", "value": true}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [{"from": "start", "to": "a"}, {"from": "a", "to": "b"}, {"from": "b", "to": "c"}, {"from": "c", "to": "end"}]
    }
    """;

    /// <summary>Waits for the signal "go", then ends.</summary>
    public const string Signal = """
    {
      "schema": "wf/1", "definitionId": "bench-signal", "name": "Wait for a signal",
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "wait", "type": "core.waitSignal", "inputs": {"name": "go"}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [{"from": "start", "to": "wait"}, {"from": "wait", "to": "end"}]
    }
    """;

    /// <summary>Waits until the time given as input, then ends.</summary>
    public const string Delay = """
    {
      "schema": "wf/1", "definitionId": "bench-delay", "name": "Delay until",
      "inputs": [{"name": "until", "type": "string"}],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "wait", "type": "core.delay", "inputs": {"until": {"js": "input.until"}}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [{"from": "start", "to": "wait"}, {"from": "wait", "to": "end"}]
    }
    """;
}
