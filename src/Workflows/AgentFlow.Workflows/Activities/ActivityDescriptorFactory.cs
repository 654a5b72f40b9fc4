using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFlow.Workflows.Definitions;

namespace AgentFlow.Workflows.Activities;

/// <summary>
/// Derives an <see cref="ActivityDescriptor"/> from an activity class and its attributes.
/// A malformed activity class is a programming error, so problems throw <see cref="InvalidOperationException"/>.
/// </summary>
public static class ActivityDescriptorFactory
{
    /// <summary>Builds the descriptor of an activity class.</summary>
    /// <param name="activityType">A non-abstract class implementing <see cref="IActivity"/> and carrying <see cref="ActivityAttribute"/>.</param>
    /// <returns>The descriptor.</returns>
    /// <exception cref="InvalidOperationException">The class is not a valid activity declaration.</exception>
    public static ActivityDescriptor Create(Type activityType)
    {
        ArgumentNullException.ThrowIfNull(activityType);
        var clrName = activityType.FullName ?? activityType.Name;
        if (!typeof(IActivity).IsAssignableFrom(activityType) || !activityType.IsClass)
        {
            throw new InvalidOperationException($"{clrName} is not an activity: it does not implement {nameof(IActivity)}.");
        }

        if (activityType.IsAbstract || activityType.IsGenericTypeDefinition)
        {
            throw new InvalidOperationException($"{clrName} is not an activity: abstract or open generic classes cannot be instantiated.");
        }

        var activity = activityType.GetCustomAttribute<ActivityAttribute>(inherit: false)
            ?? throw new InvalidOperationException($"{clrName} implements {nameof(IActivity)} but has no [Activity] attribute.");
        if (string.IsNullOrWhiteSpace(activity.Type))
        {
            throw new InvalidOperationException($"{clrName}: [Activity] needs a non-empty type name.");
        }

        if (activity.Version < 1)
        {
            throw new InvalidOperationException($"{clrName}: activity version must be 1 or higher, not {activity.Version}.");
        }

        var properties = activityType.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var inputs = properties
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<ActivityInputAttribute>(inherit: true)))
            .Where(p => p.Attribute is not null)
            .Select(p => CreateInput(clrName, p.Property, p.Attribute!))
            .ToList();
        var outputs = properties
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<ActivityOutputAttribute>(inherit: true)))
            .Where(p => p.Attribute is not null)
            .Select(p => new ActivityOutputDescriptor
            {
                Name = MemberName(p.Attribute!.Name, p.Property),
                Type = JsonTypeOf(p.Property.PropertyType),
                Description = p.Attribute.Description,
            })
            .ToList();
        EnsureUnique(clrName, "input", inputs.Select(i => i.Name));
        EnsureUnique(clrName, "output", outputs.Select(o => o.Name));

        var outcomes = activityType.GetCustomAttribute<ActivityOutcomesAttribute>(inherit: false)?.Outcomes
            ?? [EdgeDefinition.DefaultOutcome];
        if (outcomes.Any(string.IsNullOrWhiteSpace))
        {
            throw new InvalidOperationException($"{clrName}: [ActivityOutcomes] contains an empty outcome.");
        }

        EnsureUnique(clrName, "outcome", outcomes);

        return new ActivityDescriptor
        {
            Type = activity.Type,
            Version = activity.Version,
            Category = activity.Category,
            DisplayName = string.IsNullOrWhiteSpace(activity.DisplayName) ? activity.Type : activity.DisplayName,
            Description = activity.Description,
            Icon = activity.Icon,
            Kind = activity.Kind,
            Inputs = inputs,
            Outputs = outputs,
            HasDynamicOutputs = activityType.IsDefined(typeof(DynamicOutputsAttribute), inherit: false),
            Outcomes = [.. outcomes],
            HasDynamicOutcomes = activityType.IsDefined(typeof(DynamicOutcomesAttribute), inherit: false),
        };
    }

    /// <summary>The JSON type a CLR property type maps to.</summary>
    /// <param name="type">The property type.</param>
    /// <returns>The JSON type; <see cref="JsonValueType.Any"/> for <see cref="JsonNode"/>, <see cref="JsonElement"/> and <see cref="object"/>.</returns>
    public static JsonValueType JsonTypeOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type == typeof(char) || type == typeof(Guid) || type == typeof(DateTime)
            || type == typeof(DateTimeOffset) || type == typeof(DateOnly) || type == typeof(TimeOnly)
            || type == typeof(TimeSpan) || type == typeof(Uri) || type.IsEnum)
        {
            return JsonValueType.String;
        }

        if (type == typeof(bool))
        {
            return JsonValueType.Boolean;
        }

        if (IsNumeric(type))
        {
            return JsonValueType.Number;
        }

        if (type == typeof(JsonObject))
        {
            return JsonValueType.Object;
        }

        if (type == typeof(JsonArray))
        {
            return JsonValueType.Array;
        }

        if (type == typeof(object) || typeof(JsonNode).IsAssignableFrom(type) || type == typeof(JsonElement)
            || type == typeof(JsonDocument))
        {
            return JsonValueType.Any;
        }

        if (IsDictionary(type))
        {
            return JsonValueType.Object;
        }

        if (typeof(IEnumerable).IsAssignableFrom(type))
        {
            return JsonValueType.Array;
        }

        // Any other class or struct serialises as a JSON object.
        return JsonValueType.Object;
    }

    private static ActivityInputDescriptor CreateInput(string clrName, PropertyInfo property, ActivityInputAttribute attribute)
    {
        var name = MemberName(attribute.Name, property);
        var type = JsonTypeOf(property.PropertyType);
        JsonElement? defaultValue = null;
        if (attribute.Default is not null)
        {
            try
            {
                using var document = JsonDocument.Parse(attribute.Default);
                defaultValue = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new InvalidOperationException(
                    $"{clrName}.{property.Name}: the default of input \"{name}\" is not valid JSON ({attribute.Default}).", ex);
            }

            if (!Matches(type, defaultValue.Value.ValueKind))
            {
                throw new InvalidOperationException(
                    $"{clrName}.{property.Name}: the default of input \"{name}\" is a JSON {defaultValue.Value.ValueKind}, but the input is {type}.");
            }
        }

        if (attribute.Syntaxes is { Length: 0 })
        {
            throw new InvalidOperationException($"{clrName}.{property.Name}: input \"{name}\" allows no syntax at all.");
        }

        var descriptor = new ActivityInputDescriptor
        {
            Name = name,
            Type = type,
            Description = attribute.Description,
            UiHint = attribute.UiHint,
            DefaultValue = defaultValue,
            Required = attribute.Required,
        };
        return attribute.Syntaxes is null ? descriptor : descriptor with { Syntaxes = [.. attribute.Syntaxes.Distinct()] };
    }

    private static bool Matches(JsonValueType type, JsonValueKind kind) => kind == JsonValueKind.Null || type switch
    {
        JsonValueType.String => kind == JsonValueKind.String,
        JsonValueType.Number => kind == JsonValueKind.Number,
        JsonValueType.Boolean => kind is JsonValueKind.True or JsonValueKind.False,
        JsonValueType.Object => kind == JsonValueKind.Object,
        JsonValueType.Array => kind == JsonValueKind.Array,
        _ => true,
    };

    private static string MemberName(string? explicitName, PropertyInfo property) =>
        string.IsNullOrWhiteSpace(explicitName) ? JsonNamingPolicy.CamelCase.ConvertName(property.Name) : explicitName;

    private static void EnsureUnique(string clrName, string what, IEnumerable<string> names)
    {
        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"{clrName} declares the {what} \"{duplicate.Key}\" more than once.");
        }
    }

    private static bool IsNumeric(Type type) =>
        type == typeof(byte) || type == typeof(sbyte) || type == typeof(short) || type == typeof(ushort)
        || type == typeof(int) || type == typeof(uint) || type == typeof(long) || type == typeof(ulong)
        || type == typeof(float) || type == typeof(double) || type == typeof(decimal) || type == typeof(Half)
        || type == typeof(Int128) || type == typeof(UInt128);

    private static bool IsDictionary(Type type) =>
        typeof(IDictionary).IsAssignableFrom(type)
        || (type.IsInterface && IsGenericDictionary(type))
        || type.GetInterfaces().Any(IsGenericDictionary);

    private static bool IsGenericDictionary(Type type) =>
        type.IsGenericType
        && (type.GetGenericTypeDefinition() == typeof(IDictionary<,>) || type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>));
}
