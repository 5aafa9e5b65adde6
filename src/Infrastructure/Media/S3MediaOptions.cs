namespace CleanUser.Infrastructure.Media;

/// <summary>docs/images.md#s3 <c>Media:S3:*</c>: the S3-compatible store of <c>Media:Provider=S3</c>.</summary>
public sealed class S3MediaOptions
{
    /// <summary>Endpoint of an S3-compatible store (MinIO, Ceph, …); unset: AWS, in <see cref="Region"/>.</summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>The bucket the images are stored in. Required.</summary>
    public string? Bucket { get; set; }

    /// <summary>The region requests are signed for (and, on AWS, sent to).</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Access key id; with <see cref="SecretKey"/>, or neither for the SDK's default credential chain.</summary>
    public string? AccessKey { get; set; }

    /// <summary>Secret access key; with <see cref="AccessKey"/>.</summary>
    public string? SecretKey { get; set; }

    /// <summary>
    /// Path-style addressing (<c>https://host/bucket/key</c>), which most compatible stores need; unset: on when
    /// <see cref="ServiceUrl"/> is set, off for AWS (virtual-hosted style).
    /// </summary>
    public bool? ForcePathStyle { get; set; }

    internal void EnsureUsable()
    {
        if (string.IsNullOrWhiteSpace(Bucket))
        {
            throw new InvalidOperationException("Media:S3:Bucket is required with Media:Provider=S3.");
        }

        if (string.IsNullOrEmpty(AccessKey) != string.IsNullOrEmpty(SecretKey))
        {
            throw new InvalidOperationException(
                "Media:S3:AccessKey and Media:S3:SecretKey go together: set both, or neither to use the SDK's default credentials.");
        }
    }
}
