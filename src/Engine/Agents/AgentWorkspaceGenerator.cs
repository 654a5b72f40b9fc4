using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFlow.Engine.Permissions;
using AgentFlow.Plugins.Skills;

namespace AgentFlow.Engine.Agents;

/// <summary>
/// The files an agent's runtime loads (the reference's <c>generateWorkspace</c>, with its tone lines): SOUL.md,
/// USER.md, AGENTS.md, IDENTITY.md, HEARTBEAT.md, MEMORY.md, plus a TOOLS.md that lists what the agent's permission
/// profile actually allows (the reference wrote a placeholder) and <c>agent.json</c>, the runtime's settings.
/// Pure: the same inputs give the same files, so a deployment can be repeated or compared.
/// </summary>
public static class AgentWorkspaceGenerator
{
    public static IReadOnlyDictionary<string, string> Generate(AgentConfigView config, CompiledPermissionProfile? profile, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(config);
        var name = string.IsNullOrWhiteSpace(config.DisplayName) ? config.Name : config.DisplayName;
        var identity = config.Identity;
        return new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["SOUL.md"] = Soul(name, identity),
            ["USER.md"] = "# USER.md — About Your Organization\n\n_Configure this from the admin dashboard._\n",
            ["AGENTS.md"] = Agents(),
            ["IDENTITY.md"] = $"# IDENTITY.md\n\n- **Name:** {name}\n- **Role:** {identity.Role}\n- **Tone:** {identity.Tone ?? "professional"}\n",
            ["HEARTBEAT.md"] = "# HEARTBEAT.md\n# Heartbeat disabled\n",
            ["MEMORY.md"] = $"# MEMORY.md — {name}'s Long-Term Memory\n\n_Created {createdAt.ToString("O", CultureInfo.InvariantCulture)}_\n",
            ["TOOLS.md"] = Tools(profile),
            ["agent.json"] = Settings(config),
        };
    }

    private static string Soul(string name, AgentIdentityConfig identity)
    {
        if (!string.IsNullOrWhiteSpace(identity.Personality))
        {
            return identity.Personality;
        }

        var tone = identity.Tone switch
        {
            "formal" => "Be professional and precise. Use proper grammar. Avoid slang or casual language.",
            "casual" => "Be relaxed and conversational. Use contractions. Feel free to be informal.",
            "friendly" => "Be warm and approachable. Show genuine interest. Use a positive tone.",
            "custom" => identity.CustomTone ?? "",
            _ => "Be competent and clear. Direct communication without being stiff.",
        };
        return $"""
            # SOUL.md — Who You Are

            ## Role
            You are **{name}**, a {identity.Role}.

            ## Communication Style
            {tone}

            ## Language
            {identity.Language ?? "en"}

            ## Core Principles
            - Be genuinely helpful.
            - Be honest about what you do not know.
            - Respect the privacy of the people you work with.
            - Ask before acting when a request is ambiguous.

            ## Boundaries
            - Use only the tools your permissions allow; some need a human's approval first.
            - Never share credentials or secrets.
            - Escalate to a human when unsure.

            """;
    }

    private static string Agents() => """
        # AGENTS.md

        ## Every Session
        1. Read SOUL.md: who you are.
        2. Read USER.md: who you work for.
        3. Check memory/ for recent notes.

        ## Memory
        - Daily notes in memory/YYYY-MM-DD.md; lasting facts in MEMORY.md.

        ## Safety
        - Every tool call goes through the platform's permission check; a call that needs approval waits for a human.

        """;

    private static string Tools(CompiledPermissionProfile? profile)
    {
        var text = new StringBuilder("# TOOLS.md\n\n");
        if (profile is null)
        {
            return text.Append("_No permission profile yet: no tool is allowed._\n").ToString();
        }

        var decisions = profile.CatalogDecisions().Where(d => d.Decision.Allowed).ToList();
        AppendList(text, "## Allowed", decisions.Where(d => !d.Decision.RequiresApproval).Select(d => d.Tool));
        AppendList(text, "## Allowed after a human's approval", decisions.Where(d => d.Decision.RequiresApproval).Select(d => d.Tool));
        return text.ToString();
    }

    private static void AppendList(StringBuilder text, string heading, IEnumerable<ToolDefinition> tools)
    {
        text.Append(heading).Append("\n\n");
        var any = false;
        foreach (var tool in tools)
        {
            text.Append(CultureInfo.InvariantCulture, $"- `{tool.Id}`: {tool.Description} ({tool.Risk.ToName()})\n");
            any = true;
        }

        text.Append(any ? "\n" : "_None._\n\n");
    }

    private static string Settings(AgentConfigView config) => new JsonObject
    {
        ["name"] = config.Name,
        ["displayName"] = config.DisplayName,
        ["model"] = config.Model.Provider is null ? config.Model.ModelId : $"{config.Model.Provider}/{config.Model.ModelId}",
        ["thinking"] = config.Model.ThinkingLevel ?? "off",
        ["temperature"] = config.Model.Temperature,
        ["maxTokens"] = config.Model.MaxTokens,
        ["fallbackModel"] = config.Model.FallbackModelId,
        ["language"] = config.Identity.Language ?? "en",
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}
