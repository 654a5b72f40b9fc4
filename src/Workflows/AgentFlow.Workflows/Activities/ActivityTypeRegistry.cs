using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace AgentFlow.Workflows.Activities;

/// <summary>
/// The activity classes known to the runtime, by type name and version, with their descriptors.
/// Filled at start-up (registration is not thread-safe); lookups afterwards are read-only.
/// As an <see cref="IActivityDescriptorLookup"/> it answers with the highest registered version of a type.
/// </summary>
public sealed class ActivityTypeRegistry : IActivityDescriptorLookup
{
    private readonly Dictionary<(string Type, int Version), ActivityRegistration> _byVersion = [];
    private readonly Dictionary<string, ActivityRegistration> _latest = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public IReadOnlyCollection<ActivityDescriptor> All => [.. _latest.Values.Select(r => r.Descriptor)];

    /// <summary>Every registration, all versions.</summary>
    public IReadOnlyCollection<ActivityRegistration> Registrations => _byVersion.Values;

    /// <summary>Registers an activity class.</summary>
    /// <typeparam name="T">The activity class.</typeparam>
    /// <returns>This registry.</returns>
    /// <exception cref="InvalidOperationException">The class is not a valid activity, or its type and version are taken.</exception>
    public ActivityTypeRegistry Register<T>()
        where T : class, IActivity => Register(typeof(T));

    /// <summary>Registers an activity class.</summary>
    /// <param name="activityType">The activity class.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="InvalidOperationException">The class is not a valid activity, or its type and version are taken.</exception>
    public ActivityTypeRegistry Register(Type activityType)
    {
        var descriptor = ActivityDescriptorFactory.Create(activityType);
        var key = (descriptor.Type, descriptor.Version);
        if (_byVersion.TryGetValue(key, out var existing))
        {
            throw new InvalidOperationException(
                $"Activity type \"{descriptor.Type}\" version {descriptor.Version} is registered twice: " +
                $"{existing.ClrType.FullName} and {activityType.FullName}.");
        }

        var registration = new ActivityRegistration(descriptor, activityType);
        _byVersion.Add(key, registration);
        if (!_latest.TryGetValue(descriptor.Type, out var latest) || latest.Descriptor.Version < descriptor.Version)
        {
            _latest[descriptor.Type] = registration;
        }

        return this;
    }

    /// <summary>Registers every public, non-abstract class of an assembly that implements <see cref="IActivity"/> and carries <see cref="ActivityAttribute"/>.</summary>
    /// <param name="assembly">The assembly to scan.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="InvalidOperationException">A found class is not a valid activity, or a type and version are taken.</exception>
    public ActivityTypeRegistry RegisterFromAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var candidates = assembly.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsAbstract && !t.IsGenericTypeDefinition)
            .Where(t => typeof(IActivity).IsAssignableFrom(t) && t.IsDefined(typeof(ActivityAttribute), inherit: false))
            .OrderBy(t => t.FullName, StringComparer.Ordinal);
        foreach (var type in candidates)
        {
            Register(type);
        }

        return this;
    }

    /// <inheritdoc />
    public bool TryGet(string type, [MaybeNullWhen(false)] out ActivityDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(type);
        var found = _latest.TryGetValue(type, out var registration);
        descriptor = registration?.Descriptor;
        return found;
    }

    /// <summary>Finds the registration of an activity type; the highest version when <paramref name="version"/> is null.</summary>
    /// <param name="type">The type name.</param>
    /// <param name="version">The version, or null for the highest.</param>
    /// <param name="registration">The registration when found.</param>
    /// <returns>Whether the type (and version) is registered.</returns>
    public bool TryGetRegistration(string type, int? version, [MaybeNullWhen(false)] out ActivityRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(type);
        return version is { } v
            ? _byVersion.TryGetValue((type, v), out registration)
            : _latest.TryGetValue(type, out registration);
    }

    /// <summary>Finds the CLR class of an activity type; the highest version when <paramref name="version"/> is null.</summary>
    /// <param name="type">The type name.</param>
    /// <param name="version">The version, or null for the highest.</param>
    /// <param name="clrType">The class when found.</param>
    /// <returns>Whether the type (and version) is registered.</returns>
    public bool TryGetClrType(string type, int? version, [MaybeNullWhen(false)] out Type clrType)
    {
        var found = TryGetRegistration(type, version, out var registration);
        clrType = registration?.ClrType;
        return found;
    }
}

/// <summary>An activity class with its descriptor.</summary>
/// <param name="Descriptor">The descriptor derived from the class.</param>
/// <param name="ClrType">The class implementing the activity.</param>
public sealed record ActivityRegistration(ActivityDescriptor Descriptor, Type ClrType);
