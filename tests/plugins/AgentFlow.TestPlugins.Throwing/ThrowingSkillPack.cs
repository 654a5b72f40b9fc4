using AgentFlow.Plugins.Skills;

namespace AgentFlow.TestPlugins.Throwing;

/// <summary>A skill pack that cannot be created: the loader must turn this into a reported plugin error.</summary>
public sealed class ThrowingSkillPack : ISkillPack
{
    /// <summary>The message of the constructor's exception, asserted by tests.</summary>
    public const string FailureMessage = "ThrowingSkillPack refuses to start (test plugin).";

    /// <summary>Always throws.</summary>
    public ThrowingSkillPack() => throw new InvalidOperationException(FailureMessage);

    /// <inheritdoc />
    public string Id => "test-throwing";

    /// <inheritdoc />
    public string Name => "Throwing (test)";

    /// <inheritdoc />
    public string Version => "1.0.0";

    /// <inheritdoc />
    public IReadOnlyList<SkillDefinition> Skills => [];

    /// <inheritdoc />
    public IReadOnlyList<ToolDefinition> Tools => [];

    /// <inheritdoc />
    public IReadOnlyList<PermissionPreset> Presets => [];
}
