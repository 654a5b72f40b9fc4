using System.Reflection;
using AgentFlow.Plugins.Deployment;
using AgentFlow.Plugins.Skills;
using AgentFlow.Workflows.Activities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentFlow.Plugins;

/// <summary>The outcome of loading one plugin folder: the loaded version, or why it could not be loaded.</summary>
public sealed record PluginLoadResult(PluginLoad? Load, PluginManifest? Manifest, IReadOnlyList<string> Errors);

/// <summary>
/// Loads one plugin folder: reads the manifest, copies the folder to a shadow directory (the original can then be
/// replaced or deleted while this version runs), loads the entry assembly in a new collectible context, checks the
/// contracts it was built against, and creates its skill packs and deploy targets. Anything that goes wrong is an
/// error of the result, never an exception, and the context is unloaded again.
/// </summary>
public sealed class PluginLoader(PluginPaths paths, ILoggerFactory loggerFactory, IHttpClientFactory httpClients, TimeProvider time)
{
    private static readonly AssemblyName[] Contracts =
    [
        typeof(ISkillPack).Assembly.GetName(),
        typeof(IActivity).Assembly.GetName(),
    ];

    public PluginLoadResult Load(string folderPath, string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(folderPath);
        var manifest = PluginManifestReader.Read(folderPath, out var problems);
        if (manifest is null)
        {
            return new PluginLoadResult(null, null, problems);
        }

        var entryName = PluginManifestReader.EntryAssemblyOf(manifest);
        if (!File.Exists(Path.Combine(folderPath, entryName)))
        {
            return new PluginLoadResult(null, manifest, [$"The entry assembly {entryName} is not in the folder."]);
        }

        string shadow;
        try
        {
            shadow = paths.CopyToShadow(folderPath, manifest, fingerprint);
        }
        catch (IOException ex)
        {
            return new PluginLoadResult(null, manifest, [$"The folder could not be copied ({ex.Message}); it may still be being written."]);
        }

        var context = new PluginLoadContext($"plugin:{manifest.Id}@{manifest.Version}", Path.Combine(shadow, entryName));
        ServiceProvider? services = null;
        try
        {
            var assembly = LoadEntry(context, Path.Combine(shadow, entryName));
            var errors = CheckContracts(assembly);
            if (errors.Count > 0)
            {
                throw new PluginRejectedException(errors);
            }

            var types = ExportedTypes(assembly);
            services = BuildServices();
            var skillPacks = Create<ISkillPack>(types, services);
            var deployTargets = Create<IDeployTarget>(types, services);
            var activities = types
                .Where(t => typeof(IActivity).IsAssignableFrom(t) && t.IsDefined(typeof(ActivityAttribute), inherit: false))
                .OrderBy(t => t.FullName, StringComparer.Ordinal)
                .ToList();
            if (skillPacks.Count == 0 && deployTargets.Count == 0 && activities.Count == 0)
            {
                throw new PluginRejectedException([$"{entryName} contributes nothing: no public ISkillPack, IDeployTarget or [Activity] class."]);
            }

            var load = new PluginLoad(manifest, Path.GetFileName(folderPath), fingerprint, shadow, context, services, skillPacks, deployTargets, activities, services, time.GetUtcNow());
            return new PluginLoadResult(load, manifest, []);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            services?.Dispose();
            context.Unload();
            PluginPaths.TryDelete(shadow);
            return new PluginLoadResult(null, manifest, ex is PluginRejectedException rejected ? rejected.Errors : [Describe(ex, entryName)]);
        }
    }

    private static Assembly LoadEntry(PluginLoadContext context, string path)
    {
        try
        {
            return context.LoadFromAssemblyPath(path);
        }
        catch (BadImageFormatException ex)
        {
            throw new PluginRejectedException([$"{Path.GetFileName(path)} is not a valid .NET assembly ({ex.Message})."]);
        }
    }

    private static List<string> CheckContracts(Assembly assembly)
    {
        // A plugin built against a newer contract than the Host's may call members that do not exist here.
        var errors = new List<string>();
        foreach (var reference in assembly.GetReferencedAssemblies())
        {
            var contract = Contracts.FirstOrDefault(c => string.Equals(c.Name, reference.Name, StringComparison.OrdinalIgnoreCase));
            if (contract?.Version is { } host && reference.Version is { } wanted
                && (wanted.Major != host.Major || wanted > host))
            {
                errors.Add($"The plugin was built against {reference.Name} {wanted}; this AgentFlow provides {host}.");
            }
        }

        return errors;
    }

    private static List<Type> ExportedTypes(Assembly assembly)
    {
        try
        {
            return [.. assembly.GetExportedTypes().Where(t => t.IsClass && !t.IsAbstract && !t.IsGenericTypeDefinition)];
        }
        catch (ReflectionTypeLoadException ex)
        {
            var first = ex.LoaderExceptions.FirstOrDefault(e => e is not null)?.Message ?? ex.Message;
            throw new PluginRejectedException([$"The plugin's types could not be loaded: {first}"]);
        }
    }

    private static List<T> Create<T>(List<Type> types, IServiceProvider services)
        where T : class
    {
        var created = new List<T>();
        foreach (var type in types.Where(t => typeof(T).IsAssignableFrom(t)).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            try
            {
                created.Add((T)ActivatorUtilities.CreateInstance(services, type));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The runtime may or may not wrap what a constructor throws; where the exception was thrown tells.
                var thrown = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
                var fromPlugin = thrown.TargetSite?.DeclaringType?.Assembly == type.Assembly;
                throw new PluginRejectedException([fromPlugin
                    ? $"{type.FullName}: the constructor threw {thrown.GetType().Name}: {thrown.Message}"
                    : $"{type.FullName} could not be created: {thrown.Message}"]);
            }
        }

        return created;
    }

    private ServiceProvider BuildServices()
    {
        // Only what a plugin may take in a constructor; the Host's own services (database, identity) stay out of reach.
        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(httpClients);
        services.AddSingleton(time);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    private static string Describe(Exception ex, string entryName) => ex switch
    {
        FileNotFoundException missing => $"A dependency of {entryName} is missing: {missing.FileName ?? missing.Message}",
        FileLoadException load => $"A dependency of {entryName} could not be loaded: {load.Message}",
        _ => $"{entryName} could not be loaded: {ex.GetType().Name}: {ex.Message}",
    };

    private sealed class PluginRejectedException(IReadOnlyList<string> errors) : Exception(string.Join(" ", errors))
    {
        public IReadOnlyList<string> Errors { get; } = errors;
    }
}
