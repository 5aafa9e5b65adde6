using System.Globalization;
using CleanUser.Infrastructure.Idempotency;
using CleanUser.WebApi.Idempotency;
using Microsoft.OpenApi;

namespace CleanUser.WebApi.OpenApi;

/// <summary>docs/api.md#idempotency in the API document: the request header of PATCH and PUT, the replay mark, 409 and 422.</summary>
internal static class IdempotencyDocument
{
    /// <summary>The replay mark, once, for every response of PATCH and PUT to refer to.</summary>
    public static void AddComponents(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        document.Components.Headers[IdempotencyFilter.ReplayedHeader] = new OpenApiHeader
        {
            Description = "`true` when this is the stored response of an earlier request with the same Idempotency-Key, replayed: nothing was changed now.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["true"] },
        };
    }

    public static void Describe(OpenApiOperation operation, OpenApiDocument document)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = IdempotencyKeyHeader.Name,
            In = ParameterLocation.Header,
            Required = false,
            Description = string.Create(CultureInfo.InvariantCulture,
                $"Makes a retry safe: a string (`\"…\"`) or token of 1 to {IdempotencyRecord.MaxKeyLength} visible ASCII characters " +
                $"(else 400 `invalid_idempotency_key`), new for every change, scoped to the caller. The same request again gets " +
                $"the stored response (status, body, ETag) with `Idempotent-Replayed: true`, for " +
                $"{new IdempotencyOptions().RetentionHours} hours by default; a different request with the key 422, the same one " +
                $"while the first still runs 409. A server error is not stored: send the request again."),
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1 },
        });

        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is not OpenApiResponse described)
            {
                continue;
            }

            // Refused before a key is claimed, so never stored: 401 (no caller), 413 (the body is read first), 422 (the key),
            // 429 (the rate limit comes first); and a 503, like any server error, is not stored.
            if (status is not ("401" or "413" or "422" or "429" or "503"))
            {
                described.Headers ??= new Dictionary<string, IOpenApiHeader>();
                described.Headers[IdempotencyFilter.ReplayedHeader] = new OpenApiHeaderReference(IdempotencyFilter.ReplayedHeader, document);
            }

            described.Description = status switch
            {
                "409" => "The user kept changing (`conflict`), a JSON Patch test failed (`test_failed`), or a request with this Idempotency-Key is still running (`idempotency_key_in_use`).",
                "422" => "This Idempotency-Key was used for a different request (`idempotency_key_reused`).",
                _ => described.Description,
            };
        }
    }
}
