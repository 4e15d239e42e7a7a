//! The JSON-to-CSV tool's hot path: converting a few hundred KB of generated records.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use demo_input::json_records;

fn convert(c: &mut Criterion) {
    let input = json_records(42, 5_000);
    let mut group = c.benchmark_group("json2csv");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("convert", |b| {
        let mut output = Vec::with_capacity(input.len());
        b.iter(|| {
            output.clear();
            json2csv::convert(std::hint::black_box(input.as_bytes()), &mut output).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, convert);
criterion_main!(benches);
