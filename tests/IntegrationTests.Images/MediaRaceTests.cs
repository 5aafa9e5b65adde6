using System.Net;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Media;
using CleanUser.Infrastructure.Media;
using CleanUser.Infrastructure.Outbox;
using CleanUser.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.IntegrationTests.Images;

/// <summary>
/// docs/adr/0012-image-processing-and-files.md: a file is never deleted while a committed profile refers to it. The
/// race that once broke this — the replaced picture uploaded again just as the after-commit handler decided it was
/// unused and deleted it — is played here step by step: the test acts between that decision and the delete.
/// </summary>
public sealed class MediaRaceTests
{
    [Fact]
    public async Task Uploading_the_replaced_picture_again_between_the_in_use_check_and_the_delete_keeps_the_profiles_file()
    {
        var pause = new PauseBeforeDelete();
        await using var app = TestApp.With(new TestAppOptions
        {
            Outbox = false, // the test delivers the events itself, in the order it chooses
            Services = services =>
            {
                services.AddSingleton<LocalDiskMediaStorage>();
                services.AddSingleton<IMediaStorage>(p => pause.Around(p.GetRequiredService<LocalDiskMediaStorage>()));
            },
        });
        var id = await app.CreateUserAsync();
        var client = app.ClientFor(id);
        var (p, q) = (TestImages.Jpeg(150, 150), TestImages.Jpeg(160, 160));
        var firstP = Api.KeyOf(await client.UploadAsync(id, "avatar", p));
        await client.UploadAsync(id, "avatar", q); // replaces P: its file is to be deleted after commit
        var delivery = app.Services.GetRequiredService<OutboxDelivery>();

        // The handler has found P's first file unused; before it deletes it, the user uploads P again, and that commits.
        string? againP = null;
        pause.BeforeDelete = async key =>
        {
            if (key == firstP)
            {
                againP = Api.KeyOf(await client.UploadAsync(id, "avatar", p));
            }
        };
        await delivery.DeliverDueAsync(CancellationToken.None);
        pause.BeforeDelete = null;
        await delivery.DeliverDueAsync(CancellationToken.None); // and the replacement of Q by P is delivered too

        Assert.NotNull(againP);
        var shown = (await app.ReadUserAsync(id)).Avatar!;
        Assert.Equal(againP, shown);
        Assert.NotEqual(firstP, shown); // P again is a file of its own
        var served = await app.CreateClient().GetAsync(new Uri("/media/" + shown, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        using var image = TestImages.Decode(await served.Content.ReadAsByteArrayAsync());
        Assert.Equal((150, 150), (image.Width, image.Height));
        Assert.Equal([shown], app.Folder.MediaFiles()); // P's first file and Q's are gone
    }

    /// <summary>The real storage, with a step the test can run after a delete is decided and before it happens.</summary>
    private sealed class PauseBeforeDelete
    {
        public Func<string, Task>? BeforeDelete { get; set; }

        public IMediaStorage Around(IMediaStorage storage) => new Storage(storage, this);

        private sealed class Storage(IMediaStorage inner, PauseBeforeDelete pause) : IMediaStorage
        {
            public Task SaveAsync(string key, ProcessedImage image, CancellationToken cancellationToken) =>
                inner.SaveAsync(key, image, cancellationToken);

            public async Task DeleteAsync(string key, CancellationToken cancellationToken)
            {
                if (pause.BeforeDelete is { } step)
                {
                    await step(key);
                }

                await inner.DeleteAsync(key, cancellationToken);
            }

            public Task<MediaContent?> OpenReadAsync(string key, CancellationToken cancellationToken) =>
                inner.OpenReadAsync(key, cancellationToken);
        }
    }
}
