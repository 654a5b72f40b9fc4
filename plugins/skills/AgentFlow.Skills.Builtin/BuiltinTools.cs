using AgentFlow.Plugins.Skills;
using static AgentFlow.Plugins.Skills.RiskLevel;
using static AgentFlow.Plugins.Skills.ToolCategory;
using E = AgentFlow.Plugins.Skills.SideEffects;

namespace AgentFlow.Skills.Builtin;

/// <summary>
/// The tool catalog. <see cref="Original"/> holds the 86 tools of the reference system (seed-behaviour §4) with their
/// ids, categories, risks and side effects unchanged; only the skill of the 36 tools whose skill did not exist was
/// changed (the seven orphan groups, see docs/skills.md). <see cref="Added"/> gives the 27 skills that had no tool
/// their tools, so every skill can actually grant something.
/// </summary>
public static class BuiltinTools
{
    // The orphan groups of the reference catalog and the real skills they now belong to.
    private const string CanvasSkill = "nodes";              // was "canvas": canvases are presented on paired nodes
    private const string MessagingSkill = "sessions";        // was "messaging": outbound channel messages, like sessions_send
    private const string TtsSkill = "tts";                   // was "media": the tts tool of the tts skill
    private const string ImageSkill = "summarize";           // was "media": image analysis reads and describes content
    private const string CoordinationSkill = "sessions";     // was "agenticmail-coordination": agent-to-agent coordination
    private const string MailAdminSkill = "gateway";         // was "agenticmail-admin": platform administration, critical
    private const string MailSetupSkill = "gateway";         // was "agenticmail-setup": platform configuration, critical
    private const string SmsSkill = "agenticmail";           // was "agenticmail-sms": AgenticMail's own SMS channel

    /// <summary>The 86 tools of the reference catalog, in its order (24 core, 62 AgenticMail).</summary>
    public static IReadOnlyList<ToolDefinition> Original { get; } =
    [
        // Core platform tools (24)
        Tool("read", "Read File", "Read file contents (text and images)", Read, Low, "files"),
        Tool("write", "Write File", "Create or overwrite files", Write, Medium, "files", E.ModifiesFiles),
        Tool("edit", "Edit File", "Make precise edits to files", Write, Medium, "files", E.ModifiesFiles),
        Tool("exec", "Shell Command", "Execute shell commands", Execute, Critical, "exec", E.RunsCode, E.ModifiesFiles, E.NetworkRequest),
        Tool("process", "Process Manager", "Manage running exec sessions", Execute, High, "exec", E.RunsCode),
        Tool("web_search", "Web Search", "Search the web", Read, Low, "web-search", E.NetworkRequest),
        Tool("web_fetch", "Web Fetch", "Fetch and extract content from URLs", Read, Low, "web-fetch", E.NetworkRequest),
        Tool("browser", "Browser Control", "Automate web browsers", Execute, High, "browser", E.NetworkRequest, E.RunsCode),
        Tool("canvas", "Canvas", "Present, evaluate and snapshot rendered UI", Read, Low, CanvasSkill),
        Tool("nodes", "Node Control", "Control paired devices", Execute, High, "nodes", E.ControlsDevice),
        Tool("cron", "Cron Jobs", "Schedule tasks and reminders", Write, Medium, "cron"),
        Tool("message", "Send Message", "Send messages via channels", Communicate, High, MessagingSkill, E.SendsMessage),
        Tool("gateway", "Gateway Control", "Restart, configure, and update the agent runtime", Execute, Critical, "gateway", E.RunsCode),
        Tool("agents_list", "List Agents", "List agent ids for spawning", Read, Low, "sessions"),
        Tool("sessions_list", "List Sessions", "List active sessions", Read, Low, "sessions"),
        Tool("sessions_history", "Session History", "Fetch a session's message history", Read, Low, "sessions"),
        Tool("sessions_send", "Send to Session", "Send a message to another session", Communicate, Medium, "sessions", E.SendsMessage),
        Tool("sessions_spawn", "Spawn Sub-Agent", "Spawn a background sub-agent", Execute, Medium, "sessions"),
        Tool("subagents", "Sub-Agent Control", "List, steer, or kill sub-agents", Execute, Medium, "sessions"),
        Tool("session_status", "Session Status", "Show session usage and status", Read, Low, "sessions"),
        Tool("image", "Image Analysis", "Analyse images with a vision model", Read, Low, ImageSkill),
        Tool("tts", "Text-to-Speech", "Convert text to speech audio", Write, Low, TtsSkill),
        Tool("memory_search", "Memory Search", "Search agent memory files", Read, Low, "memory"),
        Tool("memory_get", "Memory Get", "Read memory file snippets", Read, Low, "memory"),

        // AgenticMail: core email (15)
        Tool("agenticmail_inbox", "Inbox", "List recent emails", Read, Low, "agenticmail"),
        Tool("agenticmail_read", "Read Email", "Read a specific email by UID", Read, Low, "agenticmail"),
        Tool("agenticmail_send", "Send Email", "Send an email", Communicate, High, "agenticmail", E.SendsEmail),
        Tool("agenticmail_reply", "Reply to Email", "Reply to an email", Communicate, High, "agenticmail", E.SendsEmail),
        Tool("agenticmail_forward", "Forward Email", "Forward an email", Communicate, High, "agenticmail", E.SendsEmail),
        Tool("agenticmail_search", "Search Email", "Search emails", Read, Low, "agenticmail"),
        Tool("agenticmail_delete", "Delete Email", "Delete an email", Destroy, Medium, "agenticmail", E.DeletesData),
        Tool("agenticmail_move", "Move Email", "Move an email to a folder", Write, Low, "agenticmail"),
        Tool("agenticmail_mark_read", "Mark Read", "Mark an email as read", Write, Low, "agenticmail"),
        Tool("agenticmail_mark_unread", "Mark Unread", "Mark an email as unread", Write, Low, "agenticmail"),
        Tool("agenticmail_digest", "Inbox Digest", "Get a compact inbox digest", Read, Low, "agenticmail"),
        Tool("agenticmail_list_folder", "List Folder", "List messages in a folder", Read, Low, "agenticmail"),
        Tool("agenticmail_folders", "List Folders", "List all mail folders", Read, Low, "agenticmail"),
        Tool("agenticmail_create_folder", "Create Folder", "Create a mail folder", Write, Low, "agenticmail"),
        Tool("agenticmail_import_relay", "Import Relay", "Import email from Gmail or Outlook", Write, Low, "agenticmail"),

        // AgenticMail: batch operations (5)
        Tool("agenticmail_batch_read", "Batch Read", "Read multiple emails", Read, Low, "agenticmail"),
        Tool("agenticmail_batch_delete", "Batch Delete", "Delete multiple emails", Destroy, Medium, "agenticmail", E.DeletesData),
        Tool("agenticmail_batch_move", "Batch Move", "Move multiple emails", Write, Low, "agenticmail"),
        Tool("agenticmail_batch_mark_read", "Batch Mark Read", "Mark multiple emails as read", Write, Low, "agenticmail"),
        Tool("agenticmail_batch_mark_unread", "Batch Mark Unread", "Mark multiple emails as unread", Write, Low, "agenticmail"),

        // AgenticMail: agent coordination (9)
        Tool("agenticmail_call_agent", "Call Agent", "Call another agent with a task", Execute, Medium, CoordinationSkill),
        Tool("agenticmail_message_agent", "Message Agent", "Send a message to another agent", Communicate, Low, CoordinationSkill, E.SendsMessage),
        Tool("agenticmail_list_agents", "List Mail Agents", "List the agents reachable by mail", Read, Low, CoordinationSkill),
        Tool("agenticmail_check_messages", "Check Messages", "Check for unread messages", Read, Low, CoordinationSkill),
        Tool("agenticmail_check_tasks", "Check Tasks", "Check pending tasks", Read, Low, CoordinationSkill),
        Tool("agenticmail_claim_task", "Claim Task", "Claim a pending task", Write, Low, CoordinationSkill),
        Tool("agenticmail_complete_task", "Complete Task", "Complete a claimed task", Write, Low, CoordinationSkill),
        Tool("agenticmail_submit_result", "Submit Result", "Submit a task result", Write, Low, CoordinationSkill),
        Tool("agenticmail_wait_for_email", "Wait for Email", "Wait for a new email", Read, Low, CoordinationSkill),

        // AgenticMail: account management (8)
        Tool("agenticmail_create_account", "Create Account", "Create an agent email account", Write, High, MailAdminSkill),
        Tool("agenticmail_delete_agent", "Delete Agent", "Delete an agent account", Destroy, Critical, MailAdminSkill, E.DeletesData),
        Tool("agenticmail_cleanup", "Cleanup Agents", "Remove inactive agents", Destroy, High, MailAdminSkill, E.DeletesData),
        Tool("agenticmail_deletion_reports", "Deletion Reports", "List deletion reports", Read, Low, MailAdminSkill),
        Tool("agenticmail_whoami", "Who Am I", "Get the agent's account info", Read, Low, MailAdminSkill),
        Tool("agenticmail_update_metadata", "Update Metadata", "Update agent metadata", Write, Low, MailAdminSkill),
        Tool("agenticmail_status", "Server Status", "Check the mail server's health", Read, Low, MailAdminSkill),
        Tool("agenticmail_pending_emails", "Pending Emails", "Check blocked outbound emails", Read, Low, MailAdminSkill),

        // AgenticMail: organisation (9)
        Tool("agenticmail_contacts", "Contacts", "Manage contacts", Write, Low, "agenticmail"),
        Tool("agenticmail_tags", "Tags", "Manage email tags and labels", Write, Low, "agenticmail"),
        Tool("agenticmail_signatures", "Signatures", "Manage email signatures", Write, Low, "agenticmail"),
        Tool("agenticmail_templates", "Templates", "Manage email templates", Write, Low, "agenticmail"),
        Tool("agenticmail_template_send", "Send Template", "Send an email from a template", Communicate, High, "agenticmail", E.SendsEmail),
        Tool("agenticmail_rules", "Email Rules", "Manage auto-processing rules", Write, Medium, "agenticmail"),
        Tool("agenticmail_spam", "Spam Management", "Manage the spam folder", Write, Low, "agenticmail"),
        Tool("agenticmail_drafts", "Drafts", "Manage email drafts", Write, Low, "agenticmail"),
        Tool("agenticmail_schedule", "Schedule Email", "Schedule emails for later", Communicate, Medium, "agenticmail", E.SendsEmail),

        // AgenticMail: setup (8)
        Tool("agenticmail_setup_relay", "Setup Relay", "Configure a Gmail or Outlook relay", Write, Critical, MailSetupSkill),
        Tool("agenticmail_setup_domain", "Setup Domain", "Configure a custom domain", Write, Critical, MailSetupSkill),
        Tool("agenticmail_setup_guide", "Setup Guide", "Compare the email setup options", Read, Low, MailSetupSkill),
        Tool("agenticmail_setup_gmail_alias", "Gmail Alias", "Add a Gmail send-as alias", Read, Low, MailSetupSkill),
        Tool("agenticmail_setup_payment", "Setup Payment", "Add a Cloudflare payment method", Read, Low, MailSetupSkill),
        Tool("agenticmail_purchase_domain", "Purchase Domain", "Search available domains", Read, Low, MailSetupSkill),
        Tool("agenticmail_test_email", "Test Email", "Send a test email", Communicate, Low, MailSetupSkill, E.SendsEmail),
        Tool("agenticmail_gateway_status", "Gateway Status", "Check the email gateway", Read, Low, MailSetupSkill),

        // AgenticMail: SMS (8)
        Tool("agenticmail_sms_send", "Send SMS", "Send an SMS via Google Voice", Communicate, High, SmsSkill, E.SendsSms),
        Tool("agenticmail_sms_messages", "SMS Messages", "List SMS messages", Read, Low, SmsSkill),
        Tool("agenticmail_sms_check_code", "Check SMS Code", "Check for verification codes", Read, Low, SmsSkill),
        Tool("agenticmail_sms_read_voice", "Read Voice SMS", "Read SMS from Google Voice", Read, Low, SmsSkill),
        Tool("agenticmail_sms_record", "Record SMS", "Save an SMS to the database", Write, Low, SmsSkill),
        Tool("agenticmail_sms_parse_email", "Parse SMS Email", "Parse an SMS from a forwarded email", Read, Low, SmsSkill),
        Tool("agenticmail_sms_config", "SMS Configuration", "Show the SMS channel configuration", Read, Low, SmsSkill),
        Tool("agenticmail_sms_setup", "SMS Setup", "Configure the SMS channel", Write, Medium, SmsSkill),
    ];

    /// <summary>Tools for the skills that had none in the reference catalog.</summary>
    public static IReadOnlyList<ToolDefinition> Added { get; } =
    [
        Tool("imsg_chats", "List Chats", "List recent iMessage chats", Read, Low, "imsg"),
        Tool("imsg_history", "Chat History", "Read the messages of a chat", Read, Low, "imsg"),
        Tool("imsg_send", "Send iMessage", "Send an iMessage or SMS", Communicate, High, "imsg", E.SendsMessage),

        Tool("wacli_chats", "List WhatsApp Chats", "List recent WhatsApp chats", Read, Low, "wacli"),
        Tool("wacli_history", "WhatsApp History", "Read the messages of a WhatsApp chat", Read, Low, "wacli"),
        Tool("wacli_send", "Send WhatsApp Message", "Send a WhatsApp message", Communicate, High, "wacli", E.SendsMessage),

        Tool("github_issue_list", "List Issues", "List and search issues", Read, Low, "github", E.NetworkRequest),
        Tool("github_issue_create", "Create Issue", "Open an issue", Write, Medium, "github", E.NetworkRequest),
        Tool("github_pr_list", "List Pull Requests", "List pull requests and their checks", Read, Low, "github", E.NetworkRequest),
        Tool("github_pr_create", "Create Pull Request", "Open a pull request", Write, Medium, "github", E.NetworkRequest),
        Tool("github_pr_merge", "Merge Pull Request", "Merge a pull request", Write, High, "github", E.NetworkRequest),

        Tool("coding_agent_run", "Run Coding Agent", "Start a coding agent on a task in a workspace", Execute, High, "coding-agent", E.RunsCode, E.ModifiesFiles),
        Tool("coding_agent_status", "Coding Agent Status", "Show a coding agent run's progress and output", Read, Low, "coding-agent"),

        Tool("gog_gmail_search", "Search Gmail", "Search Gmail messages", Read, Low, "gog", E.NetworkRequest),
        Tool("gog_gmail_send", "Send Gmail", "Send an email from Gmail", Communicate, High, "gog", E.SendsEmail),
        Tool("gog_calendar_list", "List Calendar Events", "List Google Calendar events", Read, Low, "gog", E.NetworkRequest),
        Tool("gog_calendar_create", "Create Calendar Event", "Create a Google Calendar event", Write, Medium, "gog", E.NetworkRequest),
        Tool("gog_drive_search", "Search Drive", "Search Google Drive files", Read, Low, "gog", E.NetworkRequest),

        Tool("apple_notes_search", "Search Notes", "Search and read Apple Notes", Read, Low, "apple-notes"),
        Tool("apple_notes_create", "Create Note", "Create an Apple Note", Write, Low, "apple-notes"),

        Tool("apple_reminders_list", "List Reminders", "List reminders", Read, Low, "apple-reminders"),
        Tool("apple_reminders_add", "Add Reminder", "Add or complete a reminder", Write, Low, "apple-reminders"),

        Tool("bear_notes_search", "Search Bear", "Search and read Bear notes", Read, Low, "bear-notes"),
        Tool("bear_notes_create", "Create Bear Note", "Create a Bear note", Write, Low, "bear-notes"),

        Tool("obsidian_search", "Search Vault", "Search and read notes in the vault", Read, Low, "obsidian"),
        Tool("obsidian_write", "Write Note", "Create or update a note in the vault", Write, Low, "obsidian", E.ModifiesFiles),

        Tool("things_list", "List To-Dos", "List Things 3 to-dos and projects", Read, Low, "things-mac"),
        Tool("things_add", "Add To-Do", "Add a to-do to Things 3", Write, Low, "things-mac"),

        Tool("summarize", "Summarize", "Summarise a URL, file or text", Read, Low, "summarize", E.NetworkRequest),

        Tool("blogwatcher_list", "List Feeds", "List followed blogs and feeds", Read, Low, "blogwatcher"),
        Tool("blogwatcher_add", "Follow Feed", "Follow a blog or feed", Write, Low, "blogwatcher"),
        Tool("blogwatcher_scan", "Scan Feeds", "Fetch new posts from followed feeds", Read, Low, "blogwatcher", E.NetworkRequest),

        Tool("openai_image_generate", "Generate Image", "Generate an image from a prompt with OpenAI", Write, Low, "openai-image-gen", E.NetworkRequest),

        Tool("gemini_image_generate", "Generate Gemini Image", "Generate an image from a prompt with Gemini", Write, Low, "nano-banana-pro", E.NetworkRequest),
        Tool("gemini_image_edit", "Edit Gemini Image", "Edit an image with Gemini", Write, Low, "nano-banana-pro", E.NetworkRequest),

        Tool("whisper_transcribe", "Transcribe Audio", "Transcribe an audio file to text", Read, Low, "openai-whisper"),

        Tool("video_frames_extract", "Extract Frames", "Extract frames or a clip from a video into files", Write, Low, "video-frames", E.ModifiesFiles),

        Tool("gifgrep_search", "Search GIFs", "Search for GIFs", Read, Low, "gifgrep", E.NetworkRequest),

        Tool("peekaboo_capture", "Capture Screen", "Capture the screen or a window", Read, Medium, "peekaboo"),
        Tool("peekaboo_click", "Click", "Click on a screen element", Execute, High, "peekaboo", E.ControlsDevice),
        Tool("peekaboo_type", "Type", "Type text or press keys", Execute, High, "peekaboo", E.ControlsDevice),

        Tool("openhue_lights", "List Lights", "List Hue lights, rooms and scenes", Read, Low, "openhue"),
        Tool("openhue_set_light", "Set Light", "Turn lights on or off, set brightness and colour", Execute, Low, "openhue", E.ControlsDevice),
        Tool("openhue_scene", "Activate Scene", "Activate a Hue scene", Execute, Low, "openhue", E.ControlsDevice),

        Tool("sonos_status", "Sonos Status", "Show what each Sonos speaker is playing", Read, Low, "sonoscli"),
        Tool("sonos_control", "Control Sonos", "Play, pause, skip, set volume or group speakers", Execute, Low, "sonoscli", E.ControlsDevice),

        Tool("blucli_status", "BluOS Status", "Show what a BluOS player is playing", Read, Low, "blucli"),
        Tool("blucli_control", "Control BluOS", "Play, pause, skip or set volume", Execute, Low, "blucli", E.ControlsDevice),

        Tool("eightctl_status", "Pod Status", "Show the pod's temperature and schedule", Read, Low, "eightctl", E.NetworkRequest),
        Tool("eightctl_set_temperature", "Set Temperature", "Set the pod's temperature or schedule", Execute, Low, "eightctl", E.ControlsDevice),

        Tool("camsnap_list", "List Cameras", "List configured cameras", Read, Low, "camsnap"),
        Tool("camsnap_snapshot", "Camera Snapshot", "Take a still image from a camera", Read, Medium, "camsnap", E.ControlsDevice),
        Tool("camsnap_clip", "Camera Clip", "Record a short clip from a camera", Read, Medium, "camsnap", E.ControlsDevice),

        Tool("onepassword_list_items", "List Items", "List 1Password items (titles only, no secrets)", Read, Medium, "1password", E.AccessesSecrets),
        Tool("onepassword_get_item", "Get Secret", "Read a 1Password item including its secret fields", Read, Critical, "1password", E.AccessesSecrets),

        Tool("healthcheck_audit", "Security Audit", "Audit firewall, SSH, updates and exposure", Read, Low, "healthcheck"),
        Tool("healthcheck_harden", "Apply Hardening", "Apply a hardening change to the host", Execute, High, "healthcheck", E.RunsCode, E.ModifiesFiles),

        Tool("twitter_search", "Search Tweets", "Search posts", Read, Low, "twitter", E.NetworkRequest),
        Tool("twitter_timeline", "Read Timeline", "Read a timeline or mentions", Read, Low, "twitter", E.NetworkRequest),
        Tool("twitter_post", "Post", "Publish a post", Communicate, High, "twitter", E.PostsSocial),
        Tool("twitter_reply", "Reply", "Reply to a post", Communicate, High, "twitter", E.PostsSocial),
    ];

    /// <summary>The whole catalog: the reference tools, then the added ones.</summary>
    public static IReadOnlyList<ToolDefinition> All { get; } = [.. Original, .. Added];

    private static ToolDefinition Tool(string id, string name, string description, ToolCategory category, RiskLevel risk, string skillId, params string[] sideEffects) =>
        new(id, name, description, category, risk, skillId) { SideEffects = sideEffects };
}
