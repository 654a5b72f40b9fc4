using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Workflows.Activities;

/// <summary>
/// The activity classes known to the runtime, by type name and version, with their descriptors. The built-in classes
/// are registered at start-up; plugin classes come and go while the server runs (<see cref="ReplacePluginActivities"/>),
/// so the registrations are an immutable snapshot replaced as a whole and lookups never lock.
/// As an <see cref="IActivityDescriptorLookup"/> it answers with the highest registered version of a type.
/// </summary>
public sealed class ActivityTypeRegistry : IActivityDescriptorLookup
{
    private readonly Lock _gate = new();
    private Snapshot _snapshot = Snapshot.Empty;

    /// <inheritdoc />
    public IReadOnlyCollection<ActivityDescriptor> All => [.. Volatile.Read(ref _snapshot).Latest.Values.Select(r => r.Descriptor)];

    /// <summary>Every registration, all versions.</summary>
    public IReadOnlyCollection<ActivityRegistration> Registrations => Volatile.Read(ref _snapshot).ByVersion.Values;

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
        var registration = new ActivityRegistration(ActivityDescriptorFactory.Create(activityType), activityType);
        lock (_gate)
        {
            var snapshot = Volatile.Read(ref _snapshot);
            if (Conflict(snapshot, registration) is { } conflict)
            {
                throw new InvalidOperationException(conflict);
            }

            Volatile.Write(ref _snapshot, snapshot.With([registration]));
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

    /// <summary>
    /// Why <paramref name="candidates"/> could not join the registrations that are not from plugins plus
    /// <paramref name="otherPluginActivities"/>: a type and version another class has. Empty when they can.
    /// </summary>
    /// <param name="otherPluginActivities">The plugin registrations that stay.</param>
    /// <param name="candidates">The new plugin's registrations.</param>
    /// <returns>One message per conflict.</returns>
    public IReadOnlyList<string> FindConflicts(IEnumerable<ActivityRegistration> otherPluginActivities, IEnumerable<ActivityRegistration> candidates)
    {
        var snapshot = Volatile.Read(ref _snapshot).WithoutPlugins().With(otherPluginActivities);
        var problems = new List<string>();
        foreach (var candidate in candidates)
        {
            if (Conflict(snapshot, candidate) is { } conflict)
            {
                problems.Add(conflict);
                continue;
            }

            snapshot = snapshot.With([candidate]);
        }

        return problems;
    }

    /// <summary>Replaces every plugin registration with <paramref name="pluginActivities"/> in one step.</summary>
    /// <param name="pluginActivities">The registrations of the active plugins (each with a <see cref="ActivityRegistration.Source"/>).</param>
    /// <exception cref="InvalidOperationException">Two registrations claim one type and version; nothing changed.</exception>
    public void ReplacePluginActivities(IEnumerable<ActivityRegistration> pluginActivities)
    {
        ArgumentNullException.ThrowIfNull(pluginActivities);
        lock (_gate)
        {
            var snapshot = Volatile.Read(ref _snapshot).WithoutPlugins();
            foreach (var registration in pluginActivities)
            {
                if (registration.Source is null)
                {
                    throw new InvalidOperationException($"Activity type \"{registration.Descriptor.Type}\" has no plugin source.");
                }

                if (Conflict(snapshot, registration) is { } conflict)
                {
                    throw new InvalidOperationException(conflict);
                }

                snapshot = snapshot.With([registration]);
            }

            Volatile.Write(ref _snapshot, snapshot);
        }
    }

    /// <inheritdoc />
    public bool TryGet(string type, [MaybeNullWhen(false)] out ActivityDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(type);
        var found = Volatile.Read(ref _snapshot).Latest.TryGetValue(type, out var registration);
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
        var snapshot = Volatile.Read(ref _snapshot);
        return version is { } v
            ? snapshot.ByVersion.TryGetValue((type, v), out registration)
            : snapshot.Latest.TryGetValue(type, out registration);
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

    private static string? Conflict(Snapshot snapshot, ActivityRegistration registration) =>
        snapshot.ByVersion.TryGetValue((registration.Descriptor.Type, registration.Descriptor.Version), out var existing)
            ? $"Activity type \"{registration.Descriptor.Type}\" version {registration.Descriptor.Version} is registered twice: " +
              $"{Owner(existing)} and {Owner(registration)}."
            : null;

    private static string Owner(ActivityRegistration registration) =>
        registration.Source is { } source ? $"{registration.ClrType.FullName} (plugin {source})" : registration.ClrType.FullName ?? registration.ClrType.Name;

    private sealed record Snapshot(Dictionary<(string Type, int Version), ActivityRegistration> ByVersion, Dictionary<string, ActivityRegistration> Latest)
    {
        public static Snapshot Empty { get; } = new([], new Dictionary<string, ActivityRegistration>(StringComparer.Ordinal));

        public Snapshot With(IEnumerable<ActivityRegistration> registrations) => Build(ByVersion.Values.Concat(registrations));

        public Snapshot WithoutPlugins() => Build(ByVersion.Values.Where(r => r.Source is null));

        private static Snapshot Build(IEnumerable<ActivityRegistration> registrations)
        {
            var byVersion = new Dictionary<(string Type, int Version), ActivityRegistration>();
            var latest = new Dictionary<string, ActivityRegistration>(StringComparer.Ordinal);
            foreach (var registration in registrations)
            {
                byVersion[(registration.Descriptor.Type, registration.Descriptor.Version)] = registration;
                if (!latest.TryGetValue(registration.Descriptor.Type, out var current) || current.Descriptor.Version < registration.Descriptor.Version)
                {
                    latest[registration.Descriptor.Type] = registration;
                }
            }

            return new Snapshot(byVersion, latest);
        }
    }
}

/// <summary>An activity class with its descriptor, and, for a plugin's class, where it comes from.</summary>
/// <param name="Descriptor">The descriptor derived from the class.</param>
/// <param name="ClrType">The class implementing the activity.</param>
public sealed record ActivityRegistration(ActivityDescriptor Descriptor, Type ClrType)
{
    private ObjectFactory? _factory;

    /// <summary>The plugin that contributes the class; null for the platform's own activities.</summary>
    public string? Source { get; init; }

    /// <summary>
    /// The services the class's constructor takes from; null for the runtime's container. A plugin's class uses the
    /// plugin's own container so that closed generics over its types are cached there and unloaded with it.
    /// </summary>
    public IServiceProvider? Services { get; init; }

    /// <summary>Marks a step running the class; a plugin is unloaded only after such steps end. Null when not tracked.</summary>
    public Func<IDisposable>? Enter { get; init; }

    /// <summary>The compiled constructor call, built once per registration (and dropped with it).</summary>
    internal ObjectFactory Factory => _factory ??= ActivatorUtilities.CreateFactory(ClrType, Type.EmptyTypes);
}
