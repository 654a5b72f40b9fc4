namespace AgentFlow.AgentRuntime;

/// <summary>The runtime's settings, from environment variables (the Local deploy target sets them; docs/deployers.md).</summary>
/// <param name="ServerUrl">AGENTFLOW_SERVER_URL: the AgentFlow server's base address; null when unset or invalid.</param>
/// <param name="AgentId">AGENTFLOW_AGENT_ID.</param>
/// <param name="AgentKey">AGENTFLOW_AGENT_KEY: the agent's API key, sent as X-API-Key to the server and required on the runtime's own control routes.</param>
/// <param name="WorkspaceDirectory">AGENTFLOW_WORKSPACE: the directory holding the generated workspace files.</param>
/// <param name="ApprovalTimeout">AGENTFLOW_APPROVAL_TIMEOUT_SECONDS: how long a task waits for a human decision (default 1 hour).</param>
internal sealed record RuntimeSettings(Uri? ServerUrl, string AgentId, string? AgentKey, string WorkspaceDirectory, TimeSpan ApprovalTimeout)
{
    public static RuntimeSettings From(IConfiguration configuration)
    {
        var url = configuration["AGENTFLOW_SERVER_URL"];
        Uri? serverUrl = Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
            ? new Uri(parsed.AbsoluteUri.TrimEnd('/') + "/")
            : null;
        var workspace = configuration["AGENTFLOW_WORKSPACE"];
        var approvalTimeout = int.TryParse(configuration["AGENTFLOW_APPROVAL_TIMEOUT_SECONDS"], out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromHours(1);
        return new RuntimeSettings(
            serverUrl,
            configuration["AGENTFLOW_AGENT_ID"] ?? "",
            string.IsNullOrWhiteSpace(configuration["AGENTFLOW_AGENT_KEY"]) ? null : configuration["AGENTFLOW_AGENT_KEY"],
            Path.GetFullPath(string.IsNullOrWhiteSpace(workspace) ? "workspace" : workspace),
            approvalTimeout);
    }
}
