using System.Reflection;
using System.Runtime.Loader;

namespace AgentFlow.Plugins;

/// <summary>
/// The collectible load context of one plugin version. The contracts (and the framework abstractions that appear in
/// them: logging, DI, options) always come from the Host, so <c>obj is ISkillPack</c> holds even when a plugin folder
/// carries its own copy of a contracts assembly; every other dependency is the plugin's own, from its folder.
/// </summary>
/// <remarks>
/// Written on <see cref="AssemblyDependencyResolver"/> rather than McMaster.NETCore.Plugins: that library's hot reload
/// keeps the replaced context alive (measured), it is no longer maintained, and what we need of it is this class.
/// </remarks>
internal sealed class PluginLoadContext(string name, string entryAssemblyPath)
    : AssemblyLoadContext(name, isCollectible: true)
{
    private static readonly string[] SharedPrefixes =
    [
        "AgentFlow.Plugins.Abstractions",
        "AgentFlow.Workflows.Abstractions",
        "Microsoft.Extensions.DependencyInjection.Abstractions",
        "Microsoft.Extensions.Logging.Abstractions",
        "Microsoft.Extensions.Options",
        "Microsoft.Extensions.Primitives",
        "Microsoft.Extensions.Http",
        "Microsoft.Bcl.TimeProvider",
    ];

    private readonly AssemblyDependencyResolver _resolver = new(entryAssemblyPath);

    /// <summary>Whether an assembly is always taken from the Host.</summary>
    public static bool IsShared(AssemblyName assemblyName) =>
        assemblyName.Name is { } name && SharedPrefixes.Any(p => string.Equals(name, p, StringComparison.OrdinalIgnoreCase));

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsShared(assemblyName))
        {
            return null;
        }

        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
