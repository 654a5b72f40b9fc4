// Placeholder until the built-in activities branch lands with the real binder (take theirs on merge).
using System.Text.Json.Nodes;
namespace AgentFlow.Workflows.Activities;
public static class ActivityInputBinder
{
    public static void Bind(IActivity activity, ActivityDescriptor descriptor, IReadOnlyDictionary<string, JsonNode?> inputs) { }
    public static IReadOnlyDictionary<string, JsonNode?> WithDefaults(ActivityDescriptor descriptor, IReadOnlyDictionary<string, JsonNode?> inputs) => inputs;
}
