using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Media;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanUser.Infrastructure.Media;

/// <summary>
/// Images as objects in an S3-compatible bucket (docs/images.md#s3), under their keys as they are
/// (<c>avatars/&lt;name&gt;.jpg</c>), written with their content type and <see cref="MediaOptions.CacheControl"/>. A PUT
/// stores a whole object or none, and an object's name never changes content (names are never reused). A store that
/// cannot be reached, throttles or refuses is "try again later" (<see cref="ServiceUnavailableException"/>), never a
/// 500. Only keys of the <see cref="MediaKeys"/> shape are touched. Choices: docs/adr/0021-s3-media.md.
/// </summary>
public sealed partial class S3MediaStorage : IMediaStorage, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly string _bucket;
    private readonly ILogger<S3MediaStorage> _logger;

    public S3MediaStorage(IOptions<MediaOptions> options, ILogger<S3MediaStorage> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        // MediaOptions.EnsureUsable has made sure of the bucket when the options were read.
        var s3 = options.Value.S3;
        _bucket = s3.Bucket!;
        _logger = logger;
        var config = new AmazonS3Config
        {
            ForcePathStyle = s3.ForcePathStyle ?? s3.ServiceUrl is not null,
            // Since 3.7.412 the SDK adds CRC checksums to every upload and checks them on downloads, which
            // many S3-compatible stores do not support; only where the operation requires one (docs/adr/0021-s3-media.md).
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (s3.ServiceUrl is null)
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(s3.Region);
        }
        else
        {
            config.ServiceURL = s3.ServiceUrl.ToString();
            config.AuthenticationRegion = s3.Region;
        }

        _client = string.IsNullOrEmpty(s3.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(s3.AccessKey, s3.SecretKey), config);
    }

    public async Task SaveAsync(string key, ProcessedImage image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!MediaKeys.IsWellFormed(key))
        {
            throw new ArgumentException($"'{key}' is not a media key.", nameof(key));
        }

        using var content = new MemoryStream(image.Content, writable: false);
        var request = new PutObjectRequest
        {
            BucketName = _bucket,
            Key = key,
            InputStream = content,
            ContentType = image.ContentType,
            // One signed body of known length rather than aws-chunked framing, which not every compatible store decodes.
            UseChunkEncoding = false,
        };
        request.Headers.CacheControl = MediaOptions.CacheControl;
        await CallAsync(() => _client.PutObjectAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        if (MediaKeys.IsWellFormed(key))
        {
            // S3 answers 204 whether or not the object was there.
            await CallAsync(() => _client.DeleteObjectAsync(_bucket, key, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<MediaContent?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        if (!MediaKeys.IsWellFormed(key))
        {
            return null;
        }

        return await CallAsync<MediaContent?>(async () =>
        {
            try
            {
                var response = await _client.GetObjectAsync(_bucket, key, cancellationToken).ConfigureAwait(false);
                return new MediaContent(response.ResponseStream, response.Headers.ContentType, response.Headers.ContentLength,
                    response.LastModified ?? DateTime.UnixEpoch);
            }
            catch (AmazonS3Exception exception) when (exception.ErrorCode == "NoSuchKey")
            {
                return null;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>docs/operations.md#health: <c>null</c> when the bucket is there and the credentials may use it, else why not.</summary>
    public async Task<string?> WhyNotReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.HeadBucketAsync(new HeadBucketRequest { BucketName = _bucket }, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return $"The bucket '{_bucket}' does not exist.";
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.Forbidden)
        {
            return $"The credentials may not use the bucket '{_bucket}'.";
        }
        catch (Exception exception) when (IsStoreFailure(exception, cancellationToken))
        {
            return "The image store is not available.";
        }
    }

    public void Dispose() => _client.Dispose();

    private async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception exception) when (IsStoreFailure(exception, cancellationToken))
        {
            LogUnavailable(_logger, exception);
            throw new ServiceUnavailableException("The image store is not available; try again later.", exception);
        }
    }

    /// <summary>
    /// What the store or the way to it did: an error answer (throttling, a missing bucket, refused credentials), no
    /// answer, or the SDK's own time limit — not the caller giving up.
    /// </summary>
    private static bool IsStoreFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is AmazonServiceException or AmazonClientException or HttpRequestException or IOException ||
        (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    [LoggerMessage(LogLevel.Warning, "The image store is not available")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}
