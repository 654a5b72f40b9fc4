using System.Net;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Permissions;
using AgentFlow.Engine.Skills;
using AgentFlow.Skills.Builtin;
using Microsoft.Extensions.Time.Testing;

namespace AgentFlow.Engine.Tests.Permissions;

/// <summary>
/// The permission matrix of the reference (seed §3) for the 5 presets, with the corrections (approval also
/// for explicitly allowed tools), and the context rules: wildcards, working hours, IP allow list, rate and
/// concurrency limits.
/// </summary>
public sealed class PermissionEngineTests
{
    private const string Permitted = "Permitted";
    private const string RiskApproval = "Requires human approval (risk level)";
    private const string Sandbox = "Sandbox mode — action will be simulated";

    private static readonly SkillCatalog Catalog = new([new BuiltinSkillPack()]);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero));
    private readonly PermissionEngine _engine;

    public PermissionEngineTests() => _engine = new PermissionEngine(new SkillCatalogSource(Catalog), new ToolCallCounters(_time), _time);

    // preset, tool, allowed, requiresApproval, reason. Rows marked "corrected" differ from the reference on purpose.
    public static TheoryData<string, string, bool, bool, string> Matrix => new()
    {
        { "Research Assistant", "web_search", true, false, Permitted },
        { "Research Assistant", "read", true, false, Permitted },
        { "Research Assistant", "write", false, false, "Tool \"write\" is explicitly blocked" },
        { "Research Assistant", "exec", false, false, "Tool \"exec\" is explicitly blocked" },
        { "Research Assistant", "agenticmail_send", false, false, "Skill \"agenticmail\" is not permitted" },
        { "Research Assistant", "agenticmail_delete", false, false, "Skill \"agenticmail\" is not permitted" },
        { "Research Assistant", "gateway", false, false, "Skill \"gateway\" is not permitted" },
        { "Research Assistant", "nonexistent_tool", false, false, "Unknown tool \"nonexistent_tool\"" },

        { "Customer Support Agent", "web_search", true, false, Permitted },
        { "Customer Support Agent", "read", false, false, "Skill \"files\" is not permitted" },
        { "Customer Support Agent", "write", false, false, "Tool \"write\" is explicitly blocked" },
        { "Customer Support Agent", "exec", false, false, "Tool \"exec\" is explicitly blocked" },
        { "Customer Support Agent", "agenticmail_send", true, true, RiskApproval }, // corrected: the reference allowed it without approval
        { "Customer Support Agent", "agenticmail_reply", true, true, RiskApproval }, // corrected
        { "Customer Support Agent", "agenticmail_schedule", true, true, "Requires human approval (sends-email)" },
        { "Customer Support Agent", "agenticmail_inbox", true, false, Permitted },
        { "Customer Support Agent", "agenticmail_delete", false, false, "Side effect \"deletes-data\" is blocked" },
        { "Customer Support Agent", "gateway", false, false, "Skill \"gateway\" is not permitted" },
        { "Customer Support Agent", "nonexistent_tool", false, false, "Unknown tool \"nonexistent_tool\"" },

        { "Developer Assistant", "web_search", true, false, Permitted },
        { "Developer Assistant", "read", true, false, Permitted },
        { "Developer Assistant", "write", true, false, Permitted },
        { "Developer Assistant", "exec", true, true, RiskApproval }, // corrected: critical needs approval even though allowed
        { "Developer Assistant", "browser", true, false, Permitted },
        { "Developer Assistant", "agenticmail_send", false, false, "Tool \"agenticmail_send\" is explicitly blocked" },
        { "Developer Assistant", "agenticmail_delete", false, false, "Skill \"agenticmail\" is not permitted" },
        { "Developer Assistant", "gateway", false, false, "Skill \"gateway\" is not permitted" },
        { "Developer Assistant", "nonexistent_tool", false, false, "Unknown tool \"nonexistent_tool\"" },

        { "Full Access (Owner)", "web_search", true, false, Permitted },
        { "Full Access (Owner)", "read", true, false, Permitted },
        { "Full Access (Owner)", "write", true, false, Permitted },
        { "Full Access (Owner)", "exec", true, false, Permitted },
        { "Full Access (Owner)", "agenticmail_send", true, false, Permitted },
        { "Full Access (Owner)", "agenticmail_delete", true, false, Permitted },
        { "Full Access (Owner)", "gateway", true, false, Permitted },
        { "Full Access (Owner)", "nonexistent_tool", false, false, "Unknown tool \"nonexistent_tool\"" },

        { "Sandbox (Testing)", "web_search", true, false, Sandbox },
        { "Sandbox (Testing)", "read", true, false, Sandbox },
        { "Sandbox (Testing)", "exec", true, false, Sandbox },
        { "Sandbox (Testing)", "agenticmail_send", true, false, Sandbox },
        { "Sandbox (Testing)", "agenticmail_delete", true, false, Sandbox },
        { "Sandbox (Testing)", "gateway", true, false, Sandbox },
        { "Sandbox (Testing)", "nonexistent_tool", true, false, Sandbox },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Decide_PresetMatrix_MatchesTheCorrectedReference(string preset, string tool, bool allowed, bool requiresApproval, string reason)
    {
        var profile = Compile(new PermissionProfileInput { Preset = preset });

        var decision = _engine.Decide(profile, tool);

        Assert.Equal((allowed, requiresApproval, reason), (decision.Allowed, decision.RequiresApproval, decision.Reason));
        Assert.Equal(reason == Sandbox, decision.Sandbox);
    }

    [Theory]
    [InlineData("research-assistant")]
    [InlineData("customer-support")]
    [InlineData("developer-assistant")]
    [InlineData("full-access")]
    [InlineData("sandbox")]
    public void Compile_EveryPresetById_AllowsSomeCatalogTools(string presetId)
    {
        var profile = Compile(new PermissionProfileInput { Preset = presetId });

        Assert.Contains(profile.CatalogDecisions(), d => d.Decision.Allowed);
        Assert.Equal(presetId, profile.Profile.PresetId);
    }

    [Fact]
    public void Decide_NoProfile_IsDenied()
    {
        var decision = _engine.Decide(null, "web_search");

        Assert.Equal((false, "No permission profile assigned"), (decision.Allowed, decision.Reason));
    }

    [Theory]
    [InlineData("agenticmail_send", false, "Tool \"agenticmail_send\" is explicitly blocked")]
    [InlineData("agenticmail_sms_send", false, "Tool \"agenticmail_sms_send\" is explicitly blocked")]
    [InlineData("web_search", true, Permitted)]
    public void Decide_BlockedWildcard_BlocksEveryMatchingTool(string tool, bool allowed, string reason)
    {
        var profile = Compile(new PermissionProfileInput { Preset = "full-access", Tools = new(["agenticmail_*"], []) });

        var decision = _engine.Decide(profile, tool);

        Assert.Equal((allowed, reason), (decision.Allowed, decision.Reason));
    }

    [Theory]
    [InlineData("agenticmail_inbox", true, Permitted)]
    [InlineData("agenticmail_send", true, RiskApproval)]
    [InlineData("imsg_send", true, RiskApproval)]
    [InlineData("exec", false, "Skill \"exec\" is not permitted")]
    public void Decide_AllowedWildcards_GrantOutsideTheSkillsButKeepApproval(string tool, bool allowed, string reason)
    {
        var profile = Compile(new PermissionProfileInput
        {
            Skills = new("allowlist", []),
            Tools = new([], ["agenticmail_*", "*_send"]),
            RequireApproval = new(true, ["high", "critical"], [], [], 30),
        });

        var decision = _engine.Decide(profile, tool);

        Assert.Equal((allowed, reason), (decision.Allowed, decision.Reason));
    }

    [Theory]
    [InlineData("2026-01-15T07:59:00Z", false)] // 08:59 in Berlin (UTC+1)
    [InlineData("2026-01-15T08:00:00Z", true)]  // 09:00
    [InlineData("2026-01-15T16:29:00Z", true)]  // 17:29: same hour as the end, inside by minutes
    [InlineData("2026-01-15T16:30:00Z", false)] // 17:30: the end is exclusive
    [InlineData("2026-07-15T15:29:00Z", true)]  // 17:29 in summer (UTC+2)
    [InlineData("2026-07-15T15:31:00Z", false)] // 17:31 in summer
    public void Decide_WorkingHours_CompareHoursAndMinutesInTheProfileTimeZone(string at, bool allowed)
    {
        var profile = Compile(new PermissionProfileInput
        {
            Preset = "full-access",
            Constraints = new(null, null, new("09:00", "17:30", "Europe/Berlin"), null, null),
        });

        var decision = _engine.Decide(profile, "web_search", new PermissionContext(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(allowed, decision.Allowed);
        Assert.Equal(allowed ? Permitted : "Outside working hours (09:00-17:30 Europe/Berlin)", decision.Reason);
    }

    [Theory]
    [InlineData("2026-01-15T23:00:00Z", true)]
    [InlineData("2026-01-15T05:59:00Z", true)]
    [InlineData("2026-01-15T06:00:00Z", false)]
    [InlineData("2026-01-15T12:00:00Z", false)]
    public void Decide_WorkingHoursAcrossMidnight_WrapAround(string at, bool allowed)
    {
        var profile = Compile(new PermissionProfileInput { Preset = "full-access", Constraints = new(null, null, new("22:00", "06:00", "UTC"), null, null) });

        var decision = _engine.Decide(profile, "read", new PermissionContext(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(allowed, decision.Allowed);
    }

    [Fact]
    public void Decide_WorkingHoursWithoutContextTime_UseTheClock()
    {
        var profile = Compile(new PermissionProfileInput { Preset = "full-access", Constraints = new(null, null, new("13:00", "14:00", "UTC"), null, null) });

        var before = _engine.Decide(profile, "read");
        _time.Advance(TimeSpan.FromHours(1));
        var during = _engine.Decide(profile, "read");

        Assert.False(before.Allowed);
        Assert.True(during.Allowed);
    }

    [Theory]
    [InlineData("10.1.2.3", true, Permitted)]
    [InlineData("192.168.1.5", true, Permitted)]
    [InlineData("::ffff:10.0.0.1", true, Permitted)]
    [InlineData("2001:db8::42", true, Permitted)]
    [InlineData("192.168.1.6", false, "IP 192.168.1.6 not in allowlist")]
    [InlineData("11.0.0.1", false, "IP 11.0.0.1 not in allowlist")]
    public void Decide_IpAllowList_AcceptsAddressesAndNetworks(string ip, bool allowed, string reason)
    {
        var profile = Compile(new PermissionProfileInput
        {
            Preset = "full-access",
            Constraints = new(null, null, null, ["10.0.0.0/8", "192.168.1.5", "2001:db8::/32"], null),
        });

        var decision = _engine.Decide(profile, "web_search", new PermissionContext(Ip: IPAddress.Parse(ip)));

        Assert.Equal((allowed, reason), (decision.Allowed, decision.Reason));
    }

    [Fact]
    public void Decide_IpAllowListWithoutIp_IsNotApplied()
    {
        var profile = Compile(new PermissionProfileInput { Preset = "full-access", Constraints = new(null, null, null, ["10.0.0.0/8"], null) });

        Assert.True(_engine.Decide(profile, "web_search").Allowed);
    }

    [Fact]
    public void Admit_RateLimitPerMinute_DeniesTheCallOverTheLimitUntilTheWindowSlides()
    {
        var profile = Compile(new PermissionProfileInput { Preset = "full-access", RateLimits = new(3, null, null, null) });
        for (var i = 0; i < 3; i++)
        {
            Assert.True(_engine.Admit(profile, "read").Allowed);
            _engine.Counters.Complete(profile.AgentId);
        }

        var over = _engine.Admit(profile, "read");
        var checkedOver = _engine.Decide(profile, "read");
        _time.Advance(TimeSpan.FromMinutes(2));
        var later = _engine.Admit(profile, "read");

        Assert.Equal((false, "Rate limit exceeded (3 tool calls per minute)"), (over.Allowed, over.Reason));
        Assert.Equal(over.Reason, checkedOver.Reason);
        Assert.True(later.Allowed);
    }

    [Fact]
    public void Decide_CheckOnly_DoesNotConsumeTheBudget()
    {
        var profile = Compile(new PermissionProfileInput { Preset = "full-access", RateLimits = new(1, null, null, null) });

        for (var i = 0; i < 5; i++)
        {
            Assert.True(_engine.Decide(profile, "read").Allowed);
        }

        Assert.True(_engine.Admit(profile, "read").Allowed);
    }

    [Fact]
    public void Admit_MaxConcurrentTasks_DeniesUntilACallCompletes()
    {
        var profile = Compile(new PermissionProfileInput { Preset = "full-access", Constraints = new(2, null, null, null, null) });
        Assert.True(_engine.Admit(profile, "read").Allowed);
        Assert.True(_engine.Admit(profile, "read").Allowed);

        var third = _engine.Admit(profile, "read");
        _engine.Counters.Complete(profile.AgentId);
        var afterCompletion = _engine.Admit(profile, "read");

        Assert.Equal((false, "Concurrent task limit reached (2)"), (third.Allowed, third.Reason));
        Assert.True(afterCompletion.Allowed);
    }

    [Fact]
    public void Admit_ExternalActionsPerHour_LimitsOnlyExternalTools()
    {
        var profile = Compile(new PermissionProfileInput { Preset = "full-access", RateLimits = new(null, null, null, 1) });
        Assert.True(_engine.Admit(profile, "agenticmail_send").Allowed);
        _engine.Counters.Complete(profile.AgentId);

        var secondSend = _engine.Admit(profile, "agenticmail_send");
        var search = _engine.Admit(profile, "web_search");

        Assert.Equal((false, "External action limit exceeded (1 per hour)"), (secondSend.Allowed, secondSend.Reason));
        Assert.True(search.Allowed);
    }

    [Fact]
    public void Admit_CallNeedingApproval_IsNotCountedYet()
    {
        var profile = Compile(new PermissionProfileInput { Preset = "developer-assistant", Constraints = new(1, null, null, null, null) });

        var exec = _engine.Admit(profile, "exec");

        Assert.True(exec.RequiresApproval);
        Assert.Equal(0, _engine.Counters.Running(profile.AgentId));
    }

    [Fact]
    public void Publish_OlderVersion_NeverReplacesANewerOne()
    {
        var agentId = Guid.NewGuid();
        var profile = PermissionProfileService.Validate(new PermissionProfileInput { Preset = "full-access" }, Catalog);
        _engine.Publish(_engine.Compile(agentId, Guid.Empty, 2, profile));

        var kept = _engine.Publish(_engine.Compile(agentId, Guid.Empty, 1, profile));

        Assert.Equal(2, kept.Version);
    }

    [Theory]
    [InlineData("skills.list[0]")]
    [InlineData("tools.allowed[0]")]
    [InlineData("tools.blocked[0]")]
    [InlineData("constraints.allowedWorkingHours.timezone")]
    [InlineData("constraints.allowedWorkingHours.start")]
    [InlineData("constraints.allowedIPs[1]")]
    [InlineData("maxRiskLevel")]
    [InlineData("preset")]
    public void Validate_BadField_IsReportedByName(string field)
    {
        var input = field switch
        {
            "skills.list[0]" => new PermissionProfileInput { Skills = new("allowlist", ["research"]) },
            "tools.allowed[0]" => new PermissionProfileInput { Tools = new([], ["nothing_like_this_*"]) },
            "tools.blocked[0]" => new PermissionProfileInput { Tools = new(["Exec!"], []) },
            "constraints.allowedWorkingHours.timezone" => new PermissionProfileInput { Constraints = new(null, null, new("09:00", "17:00", "Mars/Olympus"), null, null) },
            "constraints.allowedWorkingHours.start" => new PermissionProfileInput { Constraints = new(null, null, new("9", "17:00", "UTC"), null, null) },
            "constraints.allowedIPs[1]" => new PermissionProfileInput { Constraints = new(null, null, null, ["10.0.0.0/8", "10.0.0.1/33"], null) },
            "maxRiskLevel" => new PermissionProfileInput { MaxRiskLevel = "extreme" },
            _ => new PermissionProfileInput { Preset = "Nobody" },
        };

        var error = Assert.Throws<InputValidationException>(() => PermissionProfileService.Validate(input, Catalog));

        Assert.Contains(field, error.Errors.Keys);
    }

    private CompiledPermissionProfile Compile(PermissionProfileInput input) =>
        _engine.Compile(Guid.NewGuid(), Guid.NewGuid(), 1, PermissionProfileService.Validate(input, Catalog));
}
