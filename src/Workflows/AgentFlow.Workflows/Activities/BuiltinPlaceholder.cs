// Placeholder until the built-in activities branch lands (delete this file on merge).
namespace AgentFlow.Workflows.Activities.Builtin;

public static class BuiltinActivities
{
    public static ActivityTypeRegistry AddBuiltinActivities(this ActivityTypeRegistry registry) => registry;
}
