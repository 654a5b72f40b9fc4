using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Validation;

namespace AgentFlow.Workflows.Tests;

/// The small activity set and the two §13.2 example definitions the tests build on.
internal static class TestDefinitions
{
    public static ActivityDescriptorCatalog Activities { get; } = new(
    [
        new ActivityDescriptor { Type = "core.start", Category = "Core", DisplayName = "Start" },
        new ActivityDescriptor
        {
            Type = "core.end", Category = "Core", DisplayName = "End", Outcomes = [],
            Inputs = [new ActivityInputDescriptor { Name = "result", Type = JsonValueType.String }],
        },
        new ActivityDescriptor
        {
            Type = "core.set", Category = "Core", DisplayName = "Set variable",
            Inputs =
            [
                new ActivityInputDescriptor { Name = "variable", Type = JsonValueType.String, Required = true, Syntaxes = [ExpressionSyntax.Literal] },
                new ActivityInputDescriptor { Name = "value", Required = true },
            ],
        },
        new ActivityDescriptor
        {
            Type = "human.approval", Category = "Human", DisplayName = "Approval", Kind = ActivityKind.Blocking,
            Outcomes = ["Approved", "Rejected"],
            Inputs =
            [
                new ActivityInputDescriptor { Name = "assignee", Type = JsonValueType.String, Required = true },
                new ActivityInputDescriptor { Name = "subject", Type = JsonValueType.String, Required = true },
            ],
            Outputs = [new ActivityOutputDescriptor { Name = "decision", Type = JsonValueType.String }],
        },
        new ActivityDescriptor
        {
            Type = "notify.email", Category = "Notify", DisplayName = "E-mail",
            Inputs =
            [
                new ActivityInputDescriptor { Name = "to", Type = JsonValueType.String, Required = true },
                new ActivityInputDescriptor { Name = "body", Type = JsonValueType.String },
            ],
        },
        new ActivityDescriptor
        {
            Type = "job.run", Category = "Jobs", DisplayName = "Run job", Kind = ActivityKind.Job,
            Outcomes = ["Done", "Failed"], HasDynamicOutputs = true,
            Inputs =
            [
                new ActivityInputDescriptor { Name = "job", Type = JsonValueType.String, Required = true },
                new ActivityInputDescriptor { Name = "args", Type = JsonValueType.Object },
            ],
        },
        new ActivityDescriptor { Type = "core.switch", Category = "Core", DisplayName = "Switch", HasDynamicOutcomes = true },
    ]);

    public const string ExpenseApproval = """
    {
      "schema": "wf/1", "definitionId": "expense-approval", "version": 3, "name": "Expense approval",
      "inputs":    [{"name": "amount", "type": "number"}, {"name": "requester", "type": "string"}],
      "variables": [{"name": "assignee", "type": "string", "default": "manager"},
                    {"name": "decision", "type": "string", "default": null}],
      "outputs":   [{"name": "decision", "from": {"var": "decision"}}],
      "triggers":  [{"node": "start", "kind": "http", "config": {"method": "POST", "path": "/expenses"}}],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "approve", "type": "human.approval",
         "inputs": {"assignee": {"var": "assignee"},
                    "subject": {"liquid": "Expense {{ input.amount }} from {{ input.requester }}"}},
         "outputs": {"decision": "decision"}, "timeout": {"after": "PT48H", "outcome": "TimedOut"}},
        {"id": "escalate", "type": "core.set", "inputs": {"variable": "assignee", "value": "director"}},
        {"id": "approve2", "type": "human.approval",
         "inputs": {"assignee": {"var": "assignee"}, "subject": "Escalated expense"},
         "outputs": {"decision": "decision"}, "timeout": {"after": "PT24H", "outcome": "TimedOut"}},
        {"id": "autoReject", "type": "core.set", "inputs": {"variable": "decision", "value": "Rejected"}},
        {"id": "notify", "type": "notify.email",
         "inputs": {"to": {"js": "input.requester"}, "body": {"liquid": "Your expense was {{ vars.decision }}"}}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [
        {"from": "start", "to": "approve"},
        {"from": "approve", "on": "Approved", "to": "notify"}, {"from": "approve", "on": "Rejected", "to": "notify"},
        {"from": "approve", "on": "TimedOut", "to": "escalate"}, {"from": "escalate", "to": "approve2"},
        {"from": "approve2", "on": "Approved", "to": "notify"}, {"from": "approve2", "on": "Rejected", "to": "notify"},
        {"from": "approve2", "on": "TimedOut", "to": "autoReject"}, {"from": "autoReject", "to": "notify"},
        {"from": "notify", "to": "end"}
      ],
      "layout": {"start": [0, 0], "approve": [220, 0], "escalate": [220, 140]}
    }
    """;

    public const string ServiceDeploy = """
    {
      "schema": "wf/1", "definitionId": "service-deploy", "version": 1, "name": "Deploy service",
      "inputs": [{"name": "service", "type": "string"}, {"name": "commit", "type": "string"}],
      "variables": [{"name": "artifact", "type": "string"}, {"name": "releaseId", "type": "string"}],
      "triggers": [{"node": "start", "kind": "event", "config": {"name": "git.push"}}],
      "defaults": {"retry": {"max": 3, "initial": "PT30S", "factor": 2, "on": "transient"}},
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "build", "type": "job.run", "phase": 1, "inputs": {"job": "build",
          "args": {"js": "({service: input.service, commit: input.commit})"}},
          "outputs": {"artifact": "artifact"}, "timeout": {"after": "PT30M", "outcome": "Failed"}},
        {"id": "test", "type": "job.run", "phase": 2, "retry": {"max": 1},
          "inputs": {"job": "test", "args": {"js": "({artifact: vars.artifact})"}}},
        {"id": "staging", "type": "job.run", "phase": 3,
          "inputs": {"job": "deploy", "args": {"js": "({env: 'staging', artifact: vars.artifact})"}}},
        {"id": "gate", "type": "human.approval", "phase": 4, "timeout": {"after": "P1D", "outcome": "TimedOut"},
          "inputs": {"assignee": "release-managers",
                     "subject": {"liquid": "Promote {{ input.service }}@{{ input.commit }} to prod?"}}},
        {"id": "prod", "type": "job.run", "phase": 5, "outputs": {"releaseId": "releaseId"},
          "inputs": {"job": "deploy", "args": {"js": "({env: 'prod', artifact: vars.artifact})"}}},
        {"id": "rollback", "type": "job.run", "inputs": {"job": "rollback", "args": {"js": "({releaseId: vars.releaseId})"}}},
        {"id": "ok", "type": "core.end", "inputs": {"result": "Succeeded"}},
        {"id": "failed", "type": "core.end", "inputs": {"result": "Failed"}}
      ],
      "edges": [
        {"from": "start", "to": "build"},
        {"from": "build", "to": "test"},      {"from": "build", "on": "Failed", "to": "failed"},
        {"from": "test", "to": "staging"},    {"from": "test", "on": "Failed", "to": "failed"},
        {"from": "staging", "to": "gate"},    {"from": "staging", "on": "Failed", "to": "failed"},
        {"from": "gate", "on": "Approved", "to": "prod"},
        {"from": "gate", "on": "Rejected", "to": "failed"}, {"from": "gate", "on": "TimedOut", "to": "failed"},
        {"from": "prod", "to": "ok"},         {"from": "prod", "on": "Failed", "to": "rollback"},
        {"from": "rollback", "to": "failed"}
      ]
    }
    """;

    public static WorkflowDefinitionDocument Parse(string json)
    {
        var result = WorkflowDefinitionSerializer.Parse(json);
        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        return result.Document!;
    }

    public static IReadOnlyList<ValidationProblem> Validate(WorkflowDefinitionDocument document) =>
        new WorkflowDefinitionValidator(Activities).Validate(document);

    /// A minimal valid definition: start → a → end, for tests that add one defect.
    public static WorkflowDefinitionDocument Minimal() => new()
    {
        Schema = "wf/1",
        DefinitionId = "minimal",
        Variables = [new VariableDefinition { Name = "x", Type = JsonValueType.String }],
        Nodes =
        [
            new NodeDefinition { Id = "start", Type = "core.start" },
            new NodeDefinition { Id = "a", Type = "notify.email", Inputs = new Dictionary<string, ValueExpression> { ["to"] = ValueExpression.FromVariable("x") } },
            new NodeDefinition { Id = "end", Type = "core.end" },
        ],
        Edges = [new EdgeDefinition { From = "start", To = "a" }, new EdgeDefinition { From = "a", To = "end" }],
    };
}
