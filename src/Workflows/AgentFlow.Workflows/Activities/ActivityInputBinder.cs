using System.Collections.Frozen;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AgentFlow.Workflows.Activities;

/// <summary>
/// Copies the evaluated inputs of a step into the <see cref="ActivityInputAttribute"/> properties of an activity.
/// Conversion follows <see cref="ActivityContext.GetInput{T}"/> (web defaults, enums by name), so an activity reads
/// the same value whether it uses its properties or the context. A <see cref="JsonConverterAttribute"/> on an input
/// property is honoured, which lets an activity accept more than the strict JSON form (e.g. "true" for a boolean).
/// </summary>
/// <remarks>
/// JSON null counts as "no value", like in the validator: an absent or null input takes the descriptor's default,
/// and without a default the property keeps the value its initializer gave it.
/// </remarks>
public static class ActivityInputBinder
{
    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    // Reflection metadata per activity class, immutable once built; computing it per step would dominate binding.
    // A weak table: a plugin's class must not be kept alive by this cache after the plugin is unloaded.
    private static readonly ConditionalWeakTable<Type, PropertyMap> PropertyMaps = new();

    /// <summary>Sets every input property of <paramref name="activity"/> from <paramref name="inputs"/>.</summary>
    /// <param name="activity">The activity instance of the step.</param>
    /// <param name="descriptor">The descriptor of the activity class (for defaults).</param>
    /// <param name="inputs">The evaluated inputs by input name.</param>
    /// <exception cref="InvalidOperationException">A value cannot be converted to its property type, or the class declares an input without a setter.</exception>
    public static void Bind(IActivity activity, ActivityDescriptor descriptor, IReadOnlyDictionary<string, JsonNode?> inputs)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(inputs);

        var map = PropertyMaps.GetValue(activity.GetType(), BuildPropertyMap);
        var withDefaults = WithDefaults(descriptor, inputs);
        foreach (var (name, input) in map.Properties)
        {
            if (!withDefaults.TryGetValue(name, out var node) || node is null)
            {
                continue;
            }

            input.Property.SetValue(activity, Convert(name, node, input, map.Options));
        }
    }

    /// <summary>The inputs with the descriptor's defaults filled in where an input is absent or JSON null.</summary>
    /// <param name="descriptor">The activity descriptor.</param>
    /// <param name="inputs">The evaluated inputs by input name.</param>
    /// <returns>A new dictionary; default values are fresh nodes the caller may keep.</returns>
    public static IReadOnlyDictionary<string, JsonNode?> WithDefaults(ActivityDescriptor descriptor, IReadOnlyDictionary<string, JsonNode?> inputs)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(inputs);

        var result = new Dictionary<string, JsonNode?>(inputs, StringComparer.Ordinal);
        foreach (var input in descriptor.Inputs)
        {
            if (input.DefaultValue is { ValueKind: not JsonValueKind.Null } defaultValue
                && (!result.TryGetValue(input.Name, out var given) || given is null))
            {
                result[input.Name] = JsonSerializer.SerializeToNode(defaultValue);
            }
        }

        return result;
    }

    private static object? Convert(string name, JsonNode node, InputProperty input, JsonSerializerOptions classOptions)
    {
        var type = input.Property.PropertyType;
        if (input.Options is null && type.IsInstanceOfType(node))
        {
            // A JsonNode-typed input gets its own copy: the step's input dictionary must not see the activity's changes.
            return node.DeepClone();
        }

        try
        {
            return node.Deserialize(type, input.Options ?? classOptions);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            throw new InvalidOperationException($"Input \"{name}\" cannot be read as {FriendlyName(type)}: {ex.Message}", ex);
        }
    }

    private static PropertyMap BuildPropertyMap(Type activityType)
    {
        // The serializer caches metadata per type for good; a collectible (plugin) class gets options of its own,
        // dropped with the class, so its input types do not pin the plugin in the shared options' cache.
        var classOptions = activityType.IsCollectible ? new JsonSerializerOptions(SerializerOptions) : SerializerOptions;
        var map = new Dictionary<string, InputProperty>(StringComparer.Ordinal);
        foreach (var property in activityType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var attribute = property.GetCustomAttribute<ActivityInputAttribute>(inherit: true);
            if (attribute is null)
            {
                continue;
            }

            // Same naming rule as ActivityDescriptorFactory, so binder and descriptor agree on every name.
            var name = string.IsNullOrWhiteSpace(attribute.Name) ? JsonNamingPolicy.CamelCase.ConvertName(property.Name) : attribute.Name;
            if (property.SetMethod is null)
            {
                throw new InvalidOperationException($"{activityType.FullName}.{property.Name}: input \"{name}\" has no setter.");
            }

            map[name] = new InputProperty(property, OptionsFor(property, classOptions));
        }

        return new PropertyMap(map.ToFrozenDictionary(StringComparer.Ordinal), classOptions);
    }

    private static JsonSerializerOptions? OptionsFor(PropertyInfo property, JsonSerializerOptions classOptions)
    {
        var attribute = property.GetCustomAttribute<JsonConverterAttribute>(inherit: true);
        if (attribute is null)
        {
            return null;
        }

        var converter = attribute.ConverterType is { } converterType
            ? (JsonConverter?)Activator.CreateInstance(converterType)
            : attribute.CreateConverter(property.PropertyType);
        if (converter is null)
        {
            return null;
        }

        var options = new JsonSerializerOptions(classOptions);
        options.Converters.Insert(0, converter);
        return options;
    }

    private static string FriendlyName(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return FriendlyName(underlying) + "?";
        }

        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(FriendlyName))}>";
    }

    private sealed record InputProperty(PropertyInfo Property, JsonSerializerOptions? Options);

    private sealed record PropertyMap(FrozenDictionary<string, InputProperty> Properties, JsonSerializerOptions Options);
}
