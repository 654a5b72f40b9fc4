using System.Text.Json.Nodes;

namespace AgentFlow.Host.Cli.Setup;

/// <summary>
/// <c>railway.json</c>: build from the Dockerfile, health-check <c>/health</c>, restart on failure. Railway keeps
/// variables and volumes in the project, not in this file; the summary lists what to set there.
/// </summary>
internal sealed class RailwayJsonGenerator : IDeploymentFileGenerator
{
    public string FileName => "railway.json";

    public bool KeepExisting => false;

    public string Generate(SetupAnswers answers)
    {
        var document = new JsonObject
        {
            ["$schema"] = "https://railway.com/railway.schema.json",
            ["build"] = new JsonObject
            {
                ["builder"] = "DOCKERFILE",
                ["dockerfilePath"] = "Dockerfile",
            },
            ["deploy"] = new JsonObject
            {
                ["healthcheckPath"] = ContainerLayout.HealthPath,
                ["healthcheckTimeout"] = 120,
                ["restartPolicyType"] = "ON_FAILURE",
                ["restartPolicyMaxRetries"] = 10,
            },
        };
        return document.ToJsonString(SetupJson.Options) + "\n";
    }
}
