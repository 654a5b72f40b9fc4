using AgentFlow.Workflows.Definitions;

namespace AgentFlow.Workflows.Activities;

/// <summary>Declares a class as an activity type; its descriptor is derived from this and the member attributes.</summary>
/// <param name="type">The type name used in definitions (e.g. "core.log").</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ActivityAttribute(string type) : Attribute
{
    /// <summary>The type name used in definitions.</summary>
    public string Type { get; } = type;

    /// <summary>Palette category.</summary>
    public string Category { get; set; } = "";

    /// <summary>Display name; the type name when not given.</summary>
    public string? DisplayName { get; set; }

    /// <summary>What the activity does.</summary>
    public string? Description { get; set; }

    /// <summary>Icon name for the designer.</summary>
    public string? Icon { get; set; }

    /// <summary>Run-time behaviour.</summary>
    public ActivityKind Kind { get; set; } = ActivityKind.Action;

    /// <summary>The activity version.</summary>
    public int Version { get; set; } = 1;
}

/// <summary>Declares a property as an activity input. The input name is the camelCase property name unless <see cref="Name"/> is given.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class ActivityInputAttribute : Attribute
{
    /// <summary>Overrides the input name.</summary>
    public string? Name { get; set; }

    /// <summary>What the input means.</summary>
    public string? Description { get; set; }

    /// <summary>Designer editor hint (e.g. "multiline").</summary>
    public string? UiHint { get; set; }

    /// <summary>The default value as JSON text (e.g. <c>"\"info\""</c>, <c>"3"</c>, <c>"{}"</c>).</summary>
    public string? Default { get; set; }

    /// <summary>Whether a definition must give the input.</summary>
    public bool Required { get; set; }

    /// <summary>The syntaxes a definition may use; all when not given.</summary>
#pragma warning disable CA1819 // Attribute named arguments can only be arrays.
    public ExpressionSyntax[]? Syntaxes { get; set; }
#pragma warning restore CA1819
}

/// <summary>Declares a property as an activity output. The output name is the camelCase property name unless <see cref="Name"/> is given.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class ActivityOutputAttribute : Attribute
{
    /// <summary>Overrides the output name.</summary>
    public string? Name { get; set; }

    /// <summary>What the output contains.</summary>
    public string? Description { get; set; }
}

/// <summary>Declares the static outcomes of an activity; without it the only outcome is <c>Done</c>.</summary>
/// <param name="outcomes">The outcomes.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ActivityOutcomesAttribute(params string[] outcomes) : Attribute
{
    /// <summary>The outcomes.</summary>
    public IReadOnlyList<string> Outcomes { get; } = outcomes;
}

/// <summary>Declares that the outcomes of an activity are only known per node (e.g. a switch).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class DynamicOutcomesAttribute : Attribute;

/// <summary>Declares that the outputs of an activity are only known per node (e.g. a job's results).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class DynamicOutputsAttribute : Attribute;
