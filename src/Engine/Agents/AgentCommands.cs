using System.Text.Json;

namespace AgentFlow.Engine.Agents;

/// <summary>What a caller may set when creating an agent; <see langword="null"/> means "use the default".</summary>
public sealed record CreateAgentCommand(string? Name, string? Email, string? Role, JsonElement? Metadata);

/// <summary>A partial update: <see langword="null"/> leaves a field unchanged.</summary>
public sealed record UpdateAgentCommand(string? Name, string? Email, string? Role, string? Status, JsonElement? Metadata);

public sealed record AgentFilter(string? Status);
