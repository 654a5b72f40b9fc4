using System.Collections.Frozen;
using AgentFlow.Client;

namespace AgentFlow.AgentRuntime;

/// <summary>
/// The tools the runtime can "run". v1 simulates them: each returns a canned result, so a deployment exercises the whole
/// governed path (decision, approval, completion report) without sending mail or searching the web for real.
/// </summary>
internal static class SimulatedTools
{
    private static readonly FrozenDictionary<string, (ToolRisk Risk, Func<string, object> Run)> Tools =
        new Dictionary<string, (ToolRisk, Func<string, object>)>(StringComparer.Ordinal)
        {
            ["agenticmail_send"] = (ToolRisk.High, args => new { sent = true, messageId = $"sim-{Guid.NewGuid():N}", simulated = true }),
            ["agenticmail_read"] = (ToolRisk.Low, args => new { messages = Array.Empty<object>(), simulated = true }),
            ["web_search"] = (ToolRisk.Low, args => new { results = new[] { new { title = "Simulated result", url = "https://example.com/" } }, simulated = true }),
            ["web_fetch"] = (ToolRisk.Low, args => new { status = 200, body = "<html>simulated</html>", simulated = true }),
            ["read"] = (ToolRisk.Low, args => new { content = "simulated file content", simulated = true }),
            ["write"] = (ToolRisk.Medium, args => new { written = true, simulated = true }),
            ["exec"] = (ToolRisk.Critical, args => new { exitCode = 0, stdout = "simulated", simulated = true }),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The risk the runtime assumes for a tool when the caller gives none (null: the hook's catalog decides).</summary>
    public static ToolRisk? RiskOf(string toolId) => Tools.TryGetValue(toolId, out var tool) ? tool.Risk : null;

    public static object Run(string toolId, string argumentsJson) =>
        Tools.TryGetValue(toolId, out var tool)
            ? tool.Run(argumentsJson)
            : new { ok = true, tool = toolId, simulated = true, note = "Unknown to the runtime: a generic simulated result" };
}
