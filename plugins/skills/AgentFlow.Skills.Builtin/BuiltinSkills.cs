using AgentFlow.Plugins.Skills;
using static AgentFlow.Plugins.Skills.RiskLevel;
using C = AgentFlow.Plugins.Skills.SkillCategories;

namespace AgentFlow.Skills.Builtin;

/// <summary>
/// The 38 skills of the reference system (seed-behaviour §2): ids, names, categories, risks and macOS requirements
/// exactly as there. Icons and one-line descriptions are ours (§2 only says each skill has one). Config fields are
/// new: the original declared none; here every skill that needs a credential or a host says so.
/// </summary>
public static class BuiltinSkills
{
    private const string MacOs = "macos";

    /// <summary>The skills in the reference order.</summary>
    public static IReadOnlyList<SkillDefinition> All { get; } =
    [
        // Communication
        Skill("agenticmail", "AgenticMail", C.Communication, Medium, "📧", "Read, send, organise and schedule email, SMS and agent-to-agent messages through AgenticMail.",
            config: [Text("apiUrl", "AgenticMail API URL", required: true, "Base URL of the AgenticMail server, e.g. https://mail.example.com."), Secret("apiKey", "API key", required: true)]),
        Skill("imsg", "iMessage", C.Communication, High, "💬", "List chats, read history and send iMessages and SMS through Messages.app.", requires: [MacOs]),
        Skill("wacli", "WhatsApp", C.Communication, High, "📱", "Read and send WhatsApp messages through a paired WhatsApp account.",
            config: [Text("storeDirectory", "Session store directory", required: false, "Where the paired WhatsApp session is kept.")]),

        // Development
        Skill("github", "GitHub", C.Development, Medium, "🐙", "Work with GitHub issues, pull requests and CI runs.",
            config: [Secret("token", "Personal access token", required: true), Text("apiUrl", "API URL", required: false, "For GitHub Enterprise Server.") with { DefaultValue = "https://api.github.com" }]),
        Skill("coding-agent", "Coding Agent", C.Development, High, "🧑‍💻", "Delegate coding tasks to a coding agent (Claude Code, Codex, OpenCode) in a workspace.",
            config:
            [
                Select("provider", "Coding agent", required: true, ("Claude Code", "claude-code"), ("Codex", "codex"), ("OpenCode", "opencode")),
                Secret("apiKey", "Provider API key", required: false),
            ]),

        // Productivity
        Skill("gog", "Google Workspace", C.Productivity, Medium, "🔵", "Gmail, Calendar, Drive and Sheets through a Google account.",
            config: [Text("account", "Google account", required: true, "The email address of the account."), Secret("oauthCredentials", "OAuth client credentials (JSON)", required: true)]),
        Skill("apple-notes", "Apple Notes", C.Productivity, Low, "📝", "Search, read and create notes in Apple Notes.", requires: [MacOs]),
        Skill("apple-reminders", "Apple Reminders", C.Productivity, Low, "⏰", "List, add and complete reminders in Apple Reminders.", requires: [MacOs]),
        Skill("bear-notes", "Bear Notes", C.Productivity, Low, "🐻", "Search and create notes in Bear.", requires: [MacOs]),
        Skill("obsidian", "Obsidian", C.Productivity, Low, "💎", "Search, read and write notes in an Obsidian vault.",
            config: [Text("vaultPath", "Vault path", required: true, "The folder of the Obsidian vault.")]),
        Skill("things-mac", "Things 3", C.Productivity, Low, "✅", "List and add to-dos and projects in Things 3.", requires: [MacOs]),

        // Research
        Skill("web-search", "Web Search", C.Research, Low, "🔍", "Search the web.",
            config: [Secret("braveApiKey", "Brave Search API key", required: true)]),
        Skill("web-fetch", "Web Fetch", C.Research, Low, "🌐", "Fetch a URL and extract its readable content."),
        Skill("summarize", "Summarize", C.Research, Low, "📄", "Summarise pages, documents and images."),
        Skill("blogwatcher", "Blog Watcher", C.Research, Low, "📰", "Follow blogs and RSS feeds and report new posts."),

        // Media
        Skill("openai-image-gen", "Image Generation", C.Media, Low, "🎨", "Generate images with OpenAI image models.",
            config:
            [
                Secret("openaiApiKey", "OpenAI API key", required: true),
                Select("size", "Image size", required: false, ("Square 1024×1024", "1024x1024"), ("Portrait 1024×1536", "1024x1536"), ("Landscape 1536×1024", "1536x1024")) with { DefaultValue = "1024x1024" },
            ]),
        Skill("nano-banana-pro", "Gemini Image", C.Media, Low, "🍌", "Generate and edit images with Google Gemini image models.",
            config: [Secret("geminiApiKey", "Gemini API key", required: true)]),
        Skill("tts", "Text-to-Speech", C.Media, Low, "🔊", "Turn text into spoken audio.",
            config:
            [
                Select("provider", "Voice provider", required: true, ("ElevenLabs", "elevenlabs"), ("OpenAI", "openai"), ("Microsoft Edge (no key)", "edge")) with { DefaultValue = "edge" },
                Secret("apiKey", "Provider API key", required: false),
            ]),
        Skill("openai-whisper", "Whisper Transcription", C.Media, Low, "🎙️", "Transcribe audio to text with Whisper.",
            config: [Select("model", "Whisper model", required: false, ("Tiny", "tiny"), ("Base", "base"), ("Small", "small"), ("Medium", "medium"), ("Large", "large")) with { DefaultValue = "base" }]),
        Skill("video-frames", "Video Frames", C.Media, Low, "🎞️", "Extract frames and clips from videos."),
        Skill("gifgrep", "GIF Search", C.Media, Low, "🖼️", "Search for GIFs.",
            config: [Secret("apiKey", "GIF provider API key", required: false)]),

        // Automation
        Skill("browser", "Browser Control", C.Automation, High, "🧭", "Drive a web browser: open pages, click, type, take snapshots."),
        Skill("exec", "Shell Commands", C.Automation, Critical, "💻", "Run shell commands and manage the processes they start."),
        Skill("peekaboo", "macOS UI Automation", C.Automation, High, "👀", "See and operate the macOS screen: capture, click, type.", requires: [MacOs]),
        Skill("cron", "Scheduled Tasks", C.Automation, Medium, "⏱️", "Schedule tasks and reminders for later or on a repeat."),

        // Smart home
        Skill("openhue", "Philips Hue", C.SmartHome, Low, "💡", "Control Philips Hue lights and scenes.",
            config: [Text("bridgeIp", "Hue bridge address", required: true), Secret("applicationKey", "Hue application key", required: true)]),
        Skill("sonoscli", "Sonos", C.SmartHome, Low, "🎵", "Control Sonos speakers: play, pause, volume, grouping."),
        Skill("blucli", "BluOS", C.SmartHome, Low, "🎶", "Control BluOS players.",
            config: [Text("playerHost", "Player address", required: true, "Host name or IP of the BluOS player.")]),
        Skill("eightctl", "Eight Sleep", C.SmartHome, Low, "🛏️", "Read and set an Eight Sleep pod's temperature and schedule.",
            config: [Text("email", "Eight Sleep account email", required: true), Secret("password", "Eight Sleep password", required: true)]),
        Skill("camsnap", "IP Cameras", C.SmartHome, Medium, "📷", "Take snapshots and clips from IP cameras.",
            config:
            [
                Text("cameraUrl", "Camera stream URL", required: true, "RTSP or HTTP URL of the camera."),
                Text("username", "Camera user", required: false),
                Secret("password", "Camera password", required: false),
            ]),

        // Data
        Skill("files", "File System", C.Data, Medium, "📁", "Read, write and edit files in the agent's workspace."),
        Skill("memory", "Agent Memory", C.Data, Low, "🧠", "Search and read the agent's memory files."),

        // Security
        Skill("1password", "1Password", C.Security, Critical, "🔐", "Look up items and secrets in 1Password vaults.",
            config: [Secret("serviceAccountToken", "Service account token", required: true), Text("vault", "Vault", required: false, "Restrict lookups to this vault.")]),
        Skill("healthcheck", "Security Audit", C.Security, Medium, "🛡️", "Audit the host's security posture and apply hardening."),

        // Social
        Skill("twitter", "Twitter/X", C.Social, High, "🐦", "Search, read and post on Twitter/X.",
            config:
            [
                Secret("apiKey", "API key", required: true),
                Secret("apiSecret", "API secret", required: true),
                Secret("accessToken", "Access token", required: true),
                Secret("accessTokenSecret", "Access token secret", required: true),
            ]),

        // Platform
        Skill("gateway", "OpenClaw Gateway", C.Platform, Critical, "🛰️", "Restart, configure and update the agent runtime and administer its mail platform.",
            config: [Text("gatewayUrl", "Gateway URL", required: false), Secret("gatewayToken", "Gateway token", required: false)]),
        Skill("sessions", "Session Management", C.Platform, Medium, "🗂️", "List, inspect and message sessions, spawn and steer sub-agents, coordinate with other agents."),
        Skill("nodes", "Node Control", C.Platform, High, "🔌", "Control paired devices (nodes) and present canvases on them."),
    ];

    private static SkillDefinition Skill(string id, string name, string category, RiskLevel risk, string icon, string description, string[]? requires = null, SkillConfigField[]? config = null) =>
        new(id, name, description, category, risk, icon) { Requires = requires ?? [], ConfigFields = config ?? [] };

    private static SkillConfigField Text(string key, string label, bool required, string? description = null) =>
        new(key, label, ConfigFieldKind.Text, required) { Description = description };

    private static SkillConfigField Secret(string key, string label, bool required) => new(key, label, ConfigFieldKind.Secret, required);

    private static SkillConfigField Select(string key, string label, bool required, params (string Label, string Value)[] options) =>
        new(key, label, ConfigFieldKind.Select, required) { Options = [.. options.Select(o => new ConfigOption(o.Label, o.Value))] };
}
