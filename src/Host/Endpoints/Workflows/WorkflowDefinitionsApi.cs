using System.Globalization;
using System.Text;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Auth;
using AgentFlow.Host.Middleware;
using AgentFlow.Host.Startup;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Runtime;
using AgentFlow.Workflows.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AgentFlow.Host.Endpoints.Workflows;

/// <summary>
/// Workflow definitions (<c>/api/workflows/definitions</c>) and the activity palette. Every role reads and exports
/// definitions and the palette (viewers included); members validate and start instances; admins change definitions.
/// Definition bodies are read as text and parsed by the "wf/1" serializer, so a bad document is answered with the
/// definition's problems, not a binder error. Bodies keep the
/// Host's limit (<c>AgentFlow:Http:MaxRequestBodyBytes</c>, 1 MiB): a definition is a few KiB, and a zip import of
/// 1 MiB holds roughly ten times that much JSON.
/// </summary>
internal static class WorkflowDefinitionsApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>The header that makes a start idempotent.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapWorkflowDefinitionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/workflows/definitions").WithTags("Workflow definitions").WithWorkflowSeeding();
        group.MapGet("/", List).WithName("ListWorkflowDefinitions")
            .WithSummary("List workflow definitions, latest version each (status draft|published|retired, search, limit ≤ 200, offset)").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        group.MapGet("/{definitionId}", Get).WithName("GetWorkflowDefinition")
            .WithSummary("Get the latest version of a definition, or ?version=N").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        group.MapGet("/{definitionId}/versions", Versions).WithName("ListWorkflowDefinitionVersions")
            .WithSummary("List every version of a definition, newest first").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        group.MapPost("/", Create).WithName("CreateWorkflowDefinition")
            .WithSummary("Create a definition from a wf/1 document (draft v1)").Accepts<WorkflowDocumentBody>("application/json")
            .RequireRole(UserRole.Admin).Audited("workflow.create");
        group.MapPut("/{definitionId}", SaveDraft).WithName("SaveWorkflowDraft")
            .WithSummary("Save a draft: replaces the latest draft, or adds draft vN+1 after a published or retired version").Accepts<WorkflowDocumentBody>("application/json")
            .RequireRole(UserRole.Admin).Audited("workflow.update");
        group.MapPost("/validate", Validate).WithName("ValidateWorkflowDefinition")
            .WithSummary("Validate a wf/1 document without saving it (problems with node id, field, message, severity)").Accepts<WorkflowDocumentBody>("application/json")
            .RequireRole(UserRole.Member).Audited("workflow.validate");
        group.MapPost("/{definitionId}/publish", Publish).WithName("PublishWorkflowDefinition")
            .WithSummary("Publish the latest version (or ?version=N): retires the published one and re-indexes triggers").RequireRole(UserRole.Admin).Audited("workflow.publish");
        group.MapPost("/{definitionId}/retract", Retract).WithName("RetractWorkflowDefinition")
            .WithSummary("Retire the published version: nothing starts the workflow any more").RequireRole(UserRole.Admin).Audited("workflow.retract");
        group.MapPost("/{definitionId}/revert/{version:int}", Revert).WithName("RevertWorkflowDefinition")
            .WithSummary("Copy an old version into a new latest draft").RequireRole(UserRole.Admin).Audited("workflow.revert");
        group.MapDelete("/{definitionId}", Delete).WithName("DeleteWorkflowDefinition")
            .WithSummary("Delete every version and the finished instances (409 HAS_INSTANCES while instances run)").RequireRole(UserRole.Admin).Audited("workflow.delete");
        group.MapGet("/{definitionId}/export", Export).WithName("ExportWorkflowDefinition")
            .WithSummary("Download a version (latest, or ?version=N) as a wf/1 JSON file").Produces(StatusCodes.Status200OK, contentType: "application/json").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        group.MapGet("/export", ExportZip).WithName("ExportWorkflowDefinitions")
            .WithSummary("Download the latest version of several definitions (?ids=a,b) or all as a zip").Produces(StatusCodes.Status200OK, contentType: "application/zip").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        group.MapPost("/import", Import).WithName("ImportWorkflowDefinitions")
            .WithSummary("Import a wf/1 JSON document, a zip of them, or multipart files; each becomes a new draft (?publish=true publishes)")
            .Accepts<WorkflowDocumentBody>("application/json", "application/zip", "multipart/form-data")
            .RequireRole(UserRole.Admin).Audited("workflow.import");
        group.MapPost("/{definitionId}/instances", StartInstance).WithName("StartWorkflowInstance")
            .WithSummary("Start an instance of the published version (optional Idempotency-Key header)").RequireRole(UserRole.Member).Audited("workflow.start");

        routes.MapGet("/api/workflows/descriptors/activities", Descriptors).WithTags("Workflow definitions").WithName("ListActivityDescriptors")
            .WithSummary("List the activity types of the designer palette").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        return routes;
    }

    private static async Task<Ok<ListResponse<WorkflowDefinitionSummaryResponse>>> List(
        WorkflowDefinitionService definitions, HttpContext http, string? status, string? search, string? limit, string? offset, CancellationToken cancellationToken)
    {
        var page = Paging.Parse(limit, offset, DefaultLimit, MaxLimit);
        DefinitionListStatus? filter = status switch
        {
            null => null,
            "draft" => DefinitionListStatus.Draft,
            "published" => DefinitionListStatus.Published,
            "retired" => DefinitionListStatus.Retired,
            _ => throw InputValidationException.For("status", "The status must be draft, published or retired."),
        };
        var result = await definitions.ListAsync(http.User.OrgId(), filter, search, page.Limit, page.Offset, cancellationToken);
        return TypedResults.Ok(new ListResponse<WorkflowDefinitionSummaryResponse>(
            [.. result.Items.Select(WorkflowDefinitionSummaryResponse.From)], new ListMeta(result.Total, result.Limit, result.Offset)));
    }

    private static async Task<Ok<DataResponse<WorkflowDefinitionResponse>>> Get(
        string definitionId, string? version, WorkflowDefinitionService definitions, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(Envelope.Of(WorkflowDefinitionResponse.From(
            await definitions.GetAsync(http.User.OrgId(), definitionId, ParseVersion(version), cancellationToken))));

    private static async Task<Ok<ListResponse<WorkflowVersionResponse>>> Versions(
        string definitionId, WorkflowDefinitionService definitions, HttpContext http, CancellationToken cancellationToken)
    {
        var versions = await definitions.ListVersionsAsync(http.User.OrgId(), definitionId, cancellationToken);
        return TypedResults.Ok(new ListResponse<WorkflowVersionResponse>([.. versions.Select(WorkflowVersionResponse.From)], new ListMeta(versions.Count, versions.Count, 0)));
    }

    private static async Task<Created<DataResponse<WorkflowDefinitionResponse>>> Create(
        WorkflowDefinitionService definitions, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var json = await ReadTextAsync(http.Request, cancellationToken);
        var record = await definitions.CreateAsync(http.User.OrgId(), json, http.User.UserId().ToString(), cancellationToken);
        Describe(audit, record.DefinitionId, record.Version);
        return TypedResults.Created($"/api/workflows/definitions/{record.DefinitionId}", Envelope.Of(WorkflowDefinitionResponse.From(record)));
    }

    private static async Task<Ok<DataResponse<WorkflowDefinitionResponse>>> SaveDraft(
        string definitionId, WorkflowDefinitionService definitions, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var json = await ReadTextAsync(http.Request, cancellationToken);
        var record = await definitions.SaveDraftAsync(http.User.OrgId(), definitionId, json, http.User.UserId().ToString(), cancellationToken);
        Describe(audit, record.DefinitionId, record.Version);
        return TypedResults.Ok(Envelope.Of(WorkflowDefinitionResponse.From(record)));
    }

    private static async Task<Ok<DataResponse<WorkflowValidationResponse>>> Validate(
        WorkflowDefinitionService definitions, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var problems = definitions.Validate(await ReadTextAsync(http.Request, cancellationToken));
        var valid = !problems.Any(p => p.Severity == ValidationSeverity.Error);
        audit.Details["valid"] = valid;
        return TypedResults.Ok(Envelope.Of(new WorkflowValidationResponse(valid, [.. problems.Select(WorkflowProblemResponse.From)])));
    }

    private static async Task<Ok<DataResponse<WorkflowDefinitionResponse>>> Publish(
        string definitionId, string? version, WorkflowDefinitionService definitions, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var record = await definitions.PublishAsync(http.User.OrgId(), definitionId, ParseVersion(version), cancellationToken);
        Describe(audit, record.DefinitionId, record.Version);
        return TypedResults.Ok(Envelope.Of(WorkflowDefinitionResponse.From(record)));
    }

    private static async Task<Ok<DataResponse<WorkflowDefinitionResponse>>> Retract(
        string definitionId, WorkflowDefinitionService definitions, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var record = await definitions.RetractAsync(http.User.OrgId(), definitionId, cancellationToken);
        Describe(audit, record.DefinitionId, record.Version);
        return TypedResults.Ok(Envelope.Of(WorkflowDefinitionResponse.From(record)));
    }

    private static async Task<Created<DataResponse<WorkflowDefinitionResponse>>> Revert(
        string definitionId, int version, WorkflowDefinitionService definitions, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var record = await definitions.RevertAsync(http.User.OrgId(), definitionId, version, http.User.UserId().ToString(), cancellationToken);
        Describe(audit, record.DefinitionId, record.Version);
        audit.Details["from"] = version;
        return TypedResults.Created($"/api/workflows/definitions/{record.DefinitionId}?version={record.Version}", Envelope.Of(WorkflowDefinitionResponse.From(record)));
    }

    private static async Task<NoContent> Delete(
        string definitionId, WorkflowDefinitionService definitions, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var versions = await definitions.DeleteAsync(http.User.OrgId(), definitionId, cancellationToken);
        audit.Resource = $"workflow:{definitionId}";
        audit.Details["versions"] = versions;
        return TypedResults.NoContent();
    }

    private static async Task<FileContentHttpResult> Export(
        string definitionId, string? version, WorkflowDefinitionService definitions, HttpContext http, CancellationToken cancellationToken)
    {
        var file = await definitions.ExportAsync(http.User.OrgId(), definitionId, ParseVersion(version), cancellationToken);
        return TypedResults.File(file.Content, "application/json", file.FileName);
    }

    private static async Task<FileContentHttpResult> ExportZip(
        string? ids, WorkflowDefinitionService definitions, HttpContext http, CancellationToken cancellationToken)
    {
        var list = ids?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        var file = await definitions.ExportZipAsync(http.User.OrgId(), list, cancellationToken);
        return TypedResults.File(file.Content, "application/zip", file.FileName);
    }

    private static async Task<Ok<ListResponse<WorkflowImportResultResponse>>> Import(
        string? publish, WorkflowDefinitionService definitions, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var shouldPublish = publish switch
        {
            null or "false" => false,
            "true" => true,
            _ => throw InputValidationException.For("publish", "publish must be true or false."),
        };
        var files = await ReadImportFilesAsync(http.Request, cancellationToken);
        var results = await definitions.ImportAsync(http.User.OrgId(), files, shouldPublish, http.User.UserId().ToString(), cancellationToken);
        audit.Resource = "workflow:import";
        audit.Details["publish"] = shouldPublish;
        audit.Details["results"] = results.Select(r => $"{r.File}: {r.Outcome}{(r.DefinitionId is null ? "" : $" {r.DefinitionId}")}{(r.Version is { } v ? $" v{v}" : "")}").ToList();
        return TypedResults.Ok(new ListResponse<WorkflowImportResultResponse>([.. results.Select(WorkflowImportResultResponse.From)], new ListMeta(results.Count, results.Count, 0)));
    }

    private static async Task<Results<Created<DataResponse<StartWorkflowInstanceResponse>>, Ok<DataResponse<StartWorkflowInstanceResponse>>>> StartInstance(
        string definitionId,
        StartWorkflowInstanceRequest? request,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        [FromServices] IWorkflowRuntime runtime,
        AuditContext audit,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request?.CorrelationId is { Length: > 200 })
        {
            errors["correlationId"] = ["The correlation id must be at most 200 characters."];
        }

        if (idempotencyKey is { Length: 0 or > 200 })
        {
            errors[IdempotencyKeyHeader] = ["The Idempotency-Key header must have 1 to 200 characters."];
        }

        if (errors.Count > 0)
        {
            throw new InputValidationException(errors);
        }

        var started = await runtime.StartAsync(new StartWorkflowRequest
        {
            OrgId = http.User.OrgId(),
            DefinitionId = definitionId,
            Input = request?.Input,
            CorrelationId = request?.CorrelationId,
            IdempotencyKey = idempotencyKey,
        }, cancellationToken);
        audit.Resource = $"workflow_instance:{started.InstanceId}";
        audit.Details["definitionId"] = definitionId;
        var body = Envelope.Of(new StartWorkflowInstanceResponse(started.InstanceId, WorkflowNames.Of(started.Status), started.Output));
        return started.Created
            ? TypedResults.Created($"/api/workflows/instances/{started.InstanceId}", body)
            : TypedResults.Ok(body);
    }

    private static Ok<ListResponse<ActivityDescriptorResponse>> Descriptors(ActivityTypeRegistry registry)
    {
        var descriptors = registry.All.OrderBy(d => d.Category, StringComparer.Ordinal).ThenBy(d => d.Type, StringComparer.Ordinal)
            .Select(ActivityDescriptorResponse.From).ToList();
        return TypedResults.Ok(new ListResponse<ActivityDescriptorResponse>(descriptors, new ListMeta(descriptors.Count, descriptors.Count, 0)));
    }

    private static void Describe(AuditContext audit, string definitionId, int version)
    {
        audit.Resource = $"workflow:{definitionId}";
        audit.Details["version"] = version;
    }

    private static int? ParseVersion(string? version) =>
        version is null ? null
        : int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= 1 ? v
        : throw InputValidationException.For("version", "The version must be a whole number of 1 or more.");

    private static async Task<string> ReadTextAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    private static async Task<List<WorkflowImportFile>> ReadImportFilesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            var files = new List<WorkflowImportFile>();
            foreach (var formFile in form.Files)
            {
                using var content = new MemoryStream();
                await formFile.CopyToAsync(content, cancellationToken);
                files.Add(new WorkflowImportFile(formFile.FileName, content.ToArray()));
            }

            return files.Count > 0 ? files : throw InputValidationException.For("file", "Attach at least one .json or .zip file.");
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        var isZip = request.ContentType?.Contains("zip", StringComparison.OrdinalIgnoreCase) == true;
        return [new WorkflowImportFile(isZip ? "upload.zip" : "upload.json", body.ToArray())];
    }
}

/// <summary>OpenAPI stand-in for a "wf/1" definition document (the body is read as text and parsed by the wf/1 serializer).</summary>
public sealed record WorkflowDocumentBody(string Schema, string DefinitionId, int? Version, string? Name);
