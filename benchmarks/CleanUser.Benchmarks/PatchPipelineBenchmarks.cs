using BenchmarkDotNet.Attributes;
using CleanUser.Application;
using CleanUser.Application.Common.Security;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Application.Users.Queries.GetUser;
using CleanUser.Domain.Users;
using CleanUser.Infrastructure;
using CleanUser.Infrastructure.Persistence;
using MediatR;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanUser.Benchmarks;

/// <summary>
/// One PATCH (and one GET) through the whole in-process path — logging, authorization, validation (uniqueness query included),
/// transaction, aggregate, save, mapping — on a real SQLite file, without HTTP. Shows what the Clean Architecture
/// pipeline costs per request.
/// </summary>
[MemoryDiagnoser]
public class PatchPipelineBenchmarks
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "cleanuser-bench-" + Guid.NewGuid().ToString("N"));
    private ServiceProvider _services = null!;
    private long _userId;
    private int _round;

    [GlobalSetup]
    public async Task Setup()
    {
        Directory.CreateDirectory(_folder);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = $"Data Source={Path.Combine(_folder, "bench.db")}",
            ["Media:Root"] = Path.Combine(_folder, "media"),
            ["Outbox:Enabled"] = "false",
        }).Build();
        _services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConfiguration>(configuration)
            .AddApplication()
            .AddInfrastructure(configuration, _folder)
            .BuildServiceProvider();

        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().MigrateAsync(default);
        var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
        var user = User.Register(Username.FromStored("bench"), DateTimeOffset.UtcNow);
        db.Users.Add(user);
        await db.SaveChangesAsync();
        _userId = user.Id;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    // Each command is built from wire text with ProfilePatch.Of, as the endpoint builds one from a body, so the
    // parse is part of what is measured.
    [Benchmark(Baseline = true)]
    public Task<UserDto> Patch_bio() => SendAsync(new PatchUserCommand(_userId, ProfilePatch.Of(("bio", $"Bio {_round++}"))));

    [Benchmark]
    public Task<UserDto> Patch_username_and_three_fields() => SendAsync(new PatchUserCommand(_userId, ProfilePatch.Of(
        ("username", $"bench{_round++ % 2}"),
        ("real_name", "Bench Mark"),
        ("location_lat_lng", "45.4642, 9.19"),
        ("date_of_birth", "1990-01-02"))));

    [Benchmark]
    public Task<UserDto> Patch_nothing() => SendAsync(new PatchUserCommand(_userId, ProfilePatch.Empty));

    /// <summary>The read side: one public GET through the same pipeline (no transaction, no validation rules).</summary>
    [Benchmark]
    public Task<UserDto> Get_user() => SendAsync(new GetUserQuery(_userId));

    private async Task<UserDto> SendAsync(IRequest<UserDto> command)
    {
        await using var scope = _services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentCaller>().ActAs(Caller.System);
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(command);
    }
}
