using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CleanUser.Application.Common.Media;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Infrastructure.Media;
using CleanUser.WebApi.Infrastructure;
using CleanUser.WebApi.Users;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace CleanUser.WebApi.OpenApi;

/// <summary>
/// The OpenAPI 3.1 document (<c>/openapi/v1.json</c>) and an offline reference page (<c>/docs</c>). The request
/// bodies are read by hand (five content types), so a transformer describes them; responses come from endpoint
/// metadata.
/// </summary>
public static class OpenApiSetup
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/docs";
    private const string BearerScheme = "Bearer";
    private const string RetryAfter = "Retry-After";

    /// <summary>docs/api.md#rate-limits: the fields of a limited response, and the wait a 429 names.</summary>
    private static readonly (string Name, string Description, JsonSchemaType Type)[] RateLimitHeaders =
    [
        (RateLimits.PolicyHeader, "The limit closest to exhaustion, when one applies: `\"writes\";q=20;w=60` (bucket size, minute).", JsonSchemaType.String),
        (RateLimits.StateHeader, "What is left of that limit: `\"writes\";r=7;t=13` (requests left, seconds until the bucket is full).", JsonSchemaType.String),
        (RetryAfter, "Seconds until the request may be sent again.", JsonSchemaType.Integer),
    ];

    public static IServiceCollection AddApiDocument(this IServiceCollection services)
    {
        services.AddOpenApi("v1", options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "CleanUser — SelfCommunity API v2 user profile",
                    Version = "v2",
                    Description = "PATCH /api/v2/user/{id}/ and its companions, in the SelfCommunity dialect. Errors are application/problem+json with an `errors` array. HEAD is answered wherever GET is.",
                };
                document.Servers = [];
                // HEAD is answered wherever GET is, with the same headers (docs/api.md#endpoints); the GET describes both.
                foreach (var path in document.Paths.Values.OfType<OpenApiPathItem>())
                {
                    path.Operations?.Remove(HttpMethod.Head);
                }

                document.Components ??= new OpenApiComponents();
                document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
                foreach (var (name, description, type) in RateLimitHeaders)
                {
                    document.Components.Headers[name] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = type } };
                }

                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "HS256 access token with user_id, token_type=access, exp, iat, jti. `Authorization: Token <jwt>` is accepted too.",
                };
                IdempotencyDocument.AddComponents(document);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(DescribeOperationAsync);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapApiDocument(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowHead();
        // Served from the package's embedded bundle: no CDN, no web fonts, no telemetry — works offline.
        app.MapScalarApiReference(ReferencePath, (options, context) =>
        {
            var nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
            options
                .WithTitle("CleanUser API reference")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .DisableDefaultFonts()
                .DisableTelemetry()
                .WithNonce(nonce);
            context.Response.Headers.ContentSecurityPolicy = ReferencePagePolicy(nonce);
        }).AllowHead();
        return app;
    }

    /// <summary>
    /// docs/security.md#http-hygiene: the reference page runs only its own scripts (the app's files and the inline start-up
    /// script carrying this request's nonce), talks only to the app, and may not be framed. Inline styles stay allowed:
    /// the page's components set them at run time.
    /// </summary>
    public static string ReferencePagePolicy(string nonce) =>
        $"default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static async Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context,
        CancellationToken cancellationToken)
    {
        var method = context.Description.HttpMethod;
        var path = context.Description.RelativePath ?? string.Empty;
        if (!path.StartsWith("api/v2/user", StringComparison.Ordinal))
        {
            return;
        }

        // The route takes any segment so that a malformed id is a 404 in the documented problem format (docs/api.md#errors), not a routing miss.
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>().Where(p => p.Name == "id") ?? [])
        {
            parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "1" };
            parameter.Description = "The user's id, a positive 64-bit integer; anything else is 404.";
        }

        foreach (var (status, response) in operation.Responses?.Where(r => r.Key is "200" or "429" or "503") ?? [])
        {
            if (response is OpenApiResponse described)
            {
                described.Headers ??= new Dictionary<string, IOpenApiHeader>();
                foreach (var (name, _, _) in RateLimitHeaders.Where(h => status switch
                         {
                             "429" => true,
                             "503" => h.Name == RetryAfter,
                             _ => h.Name != RetryAfter,
                         }))
                {
                    described.Headers[name] = new OpenApiHeaderReference(name, context.Document);
                }
            }
        }

        var authenticated = method is "PATCH" or "PUT" || path.EndsWith("me/", StringComparison.Ordinal);
        if (authenticated)
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
        }

        if (method is not ("PATCH" or "PUT"))
        {
            return;
        }

        IdempotencyDocument.Describe(operation, context.Document!);

        var body = PatchBody(multipart: false);
        var multipart = PatchBody(multipart: true);

        var content = new Dictionary<string, OpenApiMediaType>
        {
            [PatchBodyReader.Json] = new() { Schema = body },
            [PatchBodyReader.MergePatch] = new() { Schema = body },
            [PatchBodyReader.Form] = new() { Schema = body },
            [PatchBodyReader.Multipart] = new() { Schema = multipart },
        };
        if (method == "PATCH")
        {
            var operationSchema = await context.GetOrCreateSchemaAsync(typeof(JsonPatchOperationSchema), null, cancellationToken).ConfigureAwait(false);
            if (operationSchema is OpenApiSchema { Properties: { } members } && members.TryGetValue("path", out var pathMember) && pathMember is OpenApiSchema pointer)
            {
                pointer.Description = "A JSON Pointer to a writable field: " + string.Join(", ", ProfileFields.All.Select(f => "/" + f.Name)) + ".";
            }

            content[PatchBodyReader.JsonPatch] = new()
            {
                // docs/json-patch.md#limits: the default; a longer document is refused before any operation runs.
                Schema = new OpenApiSchema { Type = JsonSchemaType.Array, Items = operationSchema, MaxItems = new JsonPatchOptions().MaxOperations },
            };
        }

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = false,
            Description = method == "PATCH"
                ? "Only the fields present change; an empty body is a no-op. JSON Patch operations apply all or nothing."
                : "A full update: username is required; other absent fields keep their values.",
            Content = content,
        };
    }

    /// <summary>The body of PATCH and PUT, from the field table: every content type has the same fields; multipart sends image files.</summary>
    private static OpenApiSchema PatchBody(bool multipart) => new()
    {
        Type = JsonSchemaType.Object,
        Description = "The writable fields of a user (docs/api.md#fields). Only the keys present change; null resets a field. Read-only and unknown keys are ignored.",
        Properties = ProfileFields.All.ToDictionary(f => f.Name, f => multipart && f is { Image: { } kind, IsBase64: false }
            ? ImagePart(kind)
            : (IOpenApiSchema)FieldSchema(f.Schema)),
    };

    private static OpenApiSchema FieldSchema(FieldSchema field) => field.Choices is { } choices
        ? new OpenApiSchema { Enum = [.. choices.Select(c => JsonValue.Create(c)), null!] } // null resets
        : new OpenApiSchema
        {
            Type = JsonSchemaType.String | JsonSchemaType.Null,
            Description = field.Description,
            MinLength = field.MinLength,
            MaxLength = field.MaxLength,
            Pattern = field.Pattern,
            Format = field.Format,
        };

    /// <summary>A multipart file part; the limit named is the default (<c>Media:MaxAvatarBytes</c>, <c>Media:MaxCoverBytes</c>).</summary>
    private static OpenApiSchema ImagePart(ImageKind kind)
    {
        var defaults = new MediaOptions();
        var maxBytes = kind == ImageKind.Avatar ? defaults.MaxAvatarBytes : defaults.MaxCoverBytes;
        return new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Format = "binary",
            Description = string.Create(CultureInfo.InvariantCulture,
                $"The new {kind.ToString().ToLowerInvariant()} (JPEG, PNG, GIF or WebP, at most {maxBytes / (1024 * 1024)} MiB); an empty text part removes it."),
        };
    }

    /// <summary>Response metadata shared by the user endpoints.</summary>
    public static RouteHandlerBuilder DescribesUser(this RouteHandlerBuilder builder, params int[] problemStatuses)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Produces<UserDto>(StatusCodes.Status200OK);
        foreach (var status in problemStatuses)
        {
            builder.Produces<ProblemBody>(status, ProblemBody.ContentType);
        }

        // Any request may find the database or the media store unavailable (docs/api.md#errors): 503 with Retry-After.
        builder.Produces<ProblemBody>(StatusCodes.Status503ServiceUnavailable, ProblemBody.ContentType);

        return builder;
    }
}
