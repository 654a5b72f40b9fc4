using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using AgentFlow.Workflows.Definitions;

namespace AgentFlow.Workflows.Activities;

/// <summary>How an activity behaves at run time.</summary>
public enum ActivityKind
{
    /// <summary>Completes in the same step.</summary>
    Action,

    /// <summary>Suspends until an external stimulus arrives.</summary>
    Blocking,

    /// <summary>Starts new instances.</summary>
    Trigger,

    /// <summary>Runs work outside the workflow and suspends until it reports back.</summary>
    Job,
}

/// <summary>Declares an activity input.</summary>
public sealed record ActivityInputDescriptor
{
    /// <summary>The input name.</summary>
    public required string Name { get; init; }

    /// <summary>The JSON type of the evaluated value.</summary>
    public JsonValueType Type { get; init; } = JsonValueType.Any;

    /// <summary>What the input means.</summary>
    public string? Description { get; init; }

    /// <summary>The value used when the input is not given.</summary>
    public JsonElement? DefaultValue { get; init; }

    /// <summary>Designer editor hint (e.g. "multiline").</summary>
    public string? UiHint { get; init; }

    /// <summary>Whether a definition must give the input.</summary>
    public bool Required { get; init; }

    /// <summary>The syntaxes a definition may use for this input.</summary>
    public IReadOnlyList<ExpressionSyntax> Syntaxes { get; init; } =
        [ExpressionSyntax.Literal, ExpressionSyntax.Var, ExpressionSyntax.Js, ExpressionSyntax.Liquid];
}

/// <summary>Declares an activity output.</summary>
public sealed record ActivityOutputDescriptor
{
    /// <summary>The output name.</summary>
    public required string Name { get; init; }

    /// <summary>The JSON type of the value.</summary>
    public JsonValueType Type { get; init; } = JsonValueType.Any;

    /// <summary>What the output contains.</summary>
    public string? Description { get; init; }
}

/// <summary>Describes an activity type to the designer palette and the validator.</summary>
public sealed record ActivityDescriptor
{
    /// <summary>The type name used in definitions (e.g. "core.start").</summary>
    public required string Type { get; init; }

    /// <summary>The activity version.</summary>
    public int Version { get; init; } = 1;

    /// <summary>Palette category.</summary>
    public string Category { get; init; } = "";

    /// <summary>Display name.</summary>
    public string DisplayName { get; init; } = "";

    /// <summary>What the activity does.</summary>
    public string? Description { get; init; }

    /// <summary>Icon name for the designer.</summary>
    public string? Icon { get; init; }

    /// <summary>Run-time behaviour.</summary>
    public ActivityKind Kind { get; init; } = ActivityKind.Action;

    /// <summary>Declared inputs.</summary>
    public IReadOnlyList<ActivityInputDescriptor> Inputs { get; init; } = [];

    /// <summary>Declared outputs.</summary>
    public IReadOnlyList<ActivityOutputDescriptor> Outputs { get; init; } = [];

    /// <summary>Outputs are only known per node (e.g. the outputs of a job); any output name is accepted.</summary>
    public bool HasDynamicOutputs { get; init; }

    /// <summary>The outcomes the activity can end with.</summary>
    public IReadOnlyList<string> Outcomes { get; init; } = [EdgeDefinition.DefaultOutcome];

    /// <summary>Outcomes are only known per node (e.g. a switch); any edge outcome is accepted.</summary>
    public bool HasDynamicOutcomes { get; init; }

    /// <summary>Whether the activity waits (blocking, trigger or job), which is what makes a cycle safe.</summary>
    public bool Waits => Kind is ActivityKind.Blocking or ActivityKind.Trigger or ActivityKind.Job;
}

/// <summary>Contributes activity descriptors (one provider per activity package).</summary>
public interface IActivityDescriptorProvider
{
    /// <summary>The descriptors this provider contributes.</summary>
    /// <returns>The descriptors.</returns>
    IEnumerable<ActivityDescriptor> GetDescriptors();
}

/// <summary>Looks up activity descriptors by type name.</summary>
public interface IActivityDescriptorLookup
{
    /// <summary>Finds the descriptor of an activity type.</summary>
    /// <param name="type">The type name.</param>
    /// <param name="descriptor">The descriptor when found.</param>
    /// <returns>Whether the type is known.</returns>
    bool TryGet(string type, [MaybeNullWhen(false)] out ActivityDescriptor descriptor);

    /// <summary>All known descriptors.</summary>
    IReadOnlyCollection<ActivityDescriptor> All { get; }
}

/// <summary>An immutable descriptor lookup built from providers; the highest version of a type wins.</summary>
public sealed class ActivityDescriptorCatalog : IActivityDescriptorLookup
{
    private readonly Dictionary<string, ActivityDescriptor> _byType = new(StringComparer.Ordinal);

    /// <summary>Builds the catalog from descriptors.</summary>
    /// <param name="descriptors">The descriptors.</param>
    public ActivityDescriptorCatalog(IEnumerable<ActivityDescriptor> descriptors)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        foreach (var descriptor in descriptors)
        {
            if (!_byType.TryGetValue(descriptor.Type, out var existing) || existing.Version < descriptor.Version)
            {
                _byType[descriptor.Type] = descriptor;
            }
        }
    }

    /// <summary>Builds the catalog from providers.</summary>
    /// <param name="providers">The providers.</param>
    public ActivityDescriptorCatalog(IEnumerable<IActivityDescriptorProvider> providers)
        : this((providers ?? throw new ArgumentNullException(nameof(providers))).SelectMany(p => p.GetDescriptors()))
    {
    }

    /// <inheritdoc />
    public IReadOnlyCollection<ActivityDescriptor> All => _byType.Values;

    /// <inheritdoc />
    public bool TryGet(string type, [MaybeNullWhen(false)] out ActivityDescriptor descriptor) =>
        _byType.TryGetValue(type, out descriptor);
}
