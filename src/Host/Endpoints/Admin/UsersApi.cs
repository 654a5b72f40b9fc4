using AgentFlow.Engine.Identity;
using AgentFlow.Host.Auth;
using AgentFlow.Host.Middleware;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentFlow.Host.Endpoints.Admin;

public sealed record UserResponse(Guid Id, string Email, string Name, string Role, Guid OrgId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? LastLoginAt, string? SsoProvider)
{
    internal static UserResponse From(User u) => new(u.Id, u.Email, u.Name, u.Role.ToName(), u.OrgId, u.CreatedAt, u.UpdatedAt, u.LastLoginAt, u.SsoProvider);
}

public sealed record CreateUserRequest(string? Email, string? Name, string? Role, string? Password);

public sealed record UpdateUserRequest(string? Email, string? Name, string? Role, string? Password);

internal static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/users").WithTags("Users");
        group.MapGet("/", ListUsers).WithName("ListUsers").WithSummary("List users (limit ≤ 200, offset)").RequireRole(UserRole.Admin);
        group.MapGet("/{id:guid}", GetUser).WithName("GetUser").WithSummary("Get one user").RequireRole(UserRole.Admin);
        group.MapPost("/", CreateUser).WithName("CreateUser").WithSummary("Create a user (no role above your own)").RequireRole(UserRole.Admin).Audited("user.create");
        group.MapPatch("/{id:guid}", UpdateUser).WithName("UpdateUser").WithSummary("Change a user's email, name, role or password").RequireRole(UserRole.Admin).Audited("user.update");
        group.MapDelete("/{id:guid}", DeleteUser).WithName("DeleteUser").WithSummary("Delete a user (not yourself, not the last owner)").RequireRole(UserRole.Owner).Audited("user.delete");
        return routes;
    }

    private static async Task<Ok<ListResponse<UserResponse>>> ListUsers(UserService users, string? limit, string? offset, CancellationToken cancellationToken) =>
        TypedResults.Ok(Envelope.List(await users.ListAsync(Paging.Parse(limit, offset, 50, 200), cancellationToken), UserResponse.From));

    private static async Task<Ok<DataResponse<UserResponse>>> GetUser(Guid id, UserService users, CancellationToken cancellationToken) =>
        TypedResults.Ok(Envelope.Of(UserResponse.From(await users.GetAsync(id, cancellationToken))));

    private static async Task<Created<DataResponse<UserResponse>>> CreateUser(CreateUserRequest request, UserService users, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var user = await users.CreateAsync(new CreateUserCommand(request.Email, request.Name, request.Role, request.Password), http.User.Actor(), cancellationToken);
        audit.Resource = $"user:{user.Id}";
        audit.Details["role"] = user.Role.ToName();
        return TypedResults.Created($"/api/users/{user.Id}", Envelope.Of(UserResponse.From(user)));
    }

    private static async Task<Ok<DataResponse<UserResponse>>> UpdateUser(Guid id, UpdateUserRequest request, UserService users, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var user = await users.UpdateAsync(id, new UpdateUserCommand(request.Email, request.Name, request.Role, request.Password), http.User.Actor(), cancellationToken);
        audit.Details["fields"] = ChangedFields(request);
        return TypedResults.Ok(Envelope.Of(UserResponse.From(user)));
    }

    private static async Task<NoContent> DeleteUser(Guid id, UserService users, HttpContext http, CancellationToken cancellationToken)
    {
        await users.DeleteAsync(id, http.User.Actor(), cancellationToken);
        return TypedResults.NoContent();
    }

    // Names only: the audit log must never hold a password.
    private static string[] ChangedFields(UpdateUserRequest request) =>
        [.. new[] { ("email", request.Email), ("name", request.Name), ("role", request.Role), ("password", request.Password) }.Where(f => f.Item2 is not null).Select(f => f.Item1)];
}
