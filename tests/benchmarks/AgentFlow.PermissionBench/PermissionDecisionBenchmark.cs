using System.Net;
using AgentFlow.Engine.Permissions;
using AgentFlow.Engine.Skills;
using AgentFlow.Skills.Builtin;
using BenchmarkDotNet.Attributes;

namespace AgentFlow.PermissionBench;

/// <summary>One in-process permission decision on a compiled profile (what the check route and the runtime hook do after the cache lookup).</summary>
[MemoryDiagnoser]
public class PermissionDecisionBenchmark
{
    private readonly PermissionEngine _engine;
    private readonly CompiledPermissionProfile _support;
    private readonly CompiledPermissionProfile _constrained;
    private readonly PermissionContext _context;

    public PermissionDecisionBenchmark()
    {
        var catalog = new SkillCatalog([new BuiltinSkillPack()]);
        _engine = new PermissionEngine(new SkillCatalogSource(catalog), new ToolCallCounters(TimeProvider.System), TimeProvider.System);
        _support = _engine.Compile(Guid.NewGuid(), Guid.NewGuid(), 1, PermissionProfileService.Validate(new PermissionProfileInput { Preset = "customer-support" }, catalog));
        _constrained = _engine.Compile(Guid.NewGuid(), Guid.NewGuid(), 1, PermissionProfileService.Validate(new PermissionProfileInput
        {
            Preset = "full-access",
            Constraints = new(null, null, new("00:00", "23:59", "Europe/Berlin"), ["10.0.0.0/8", "192.168.0.0/16"], null),
        }, catalog));
        _context = new PermissionContext(Ip: IPAddress.Parse("192.168.4.2"));
    }

    [Benchmark(Baseline = true, Description = "Support preset, agenticmail_send (approval)")]
    public bool SupportSend() => _engine.Decide(_support, "agenticmail_send").Allowed;

    [Benchmark(Description = "Support preset, denied by side effect")]
    public bool SupportDelete() => _engine.Decide(_support, "agenticmail_delete").Allowed;

    [Benchmark(Description = "Working hours (tz) + IP allow list + rate counters")]
    public bool Constrained() => _engine.Decide(_constrained, "web_search", _context).Allowed;

    [Benchmark(Description = "Admit + complete (hook path, limits checked under the agent lock)")]
    public bool AdmitAndComplete()
    {
        var allowed = _engine.Admit(_support, "agenticmail_inbox").Allowed;
        _engine.Counters.Complete(_support.AgentId);
        return allowed;
    }
}
