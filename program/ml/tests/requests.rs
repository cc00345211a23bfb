//! `Model::check_request` refuses exactly the requests `Model::infer` refuses, with the same
//! error, on both model formats: the up-front check of `axon-vm request` cannot drift from
//! what the guest would do.

mod common;

use axon_ml::llama::BOS;
use axon_ml::{Model, NoProbe};

/// `check_request` and `infer` agree on `(input, output_size)`.
fn agree(model: &Model, input: &[u8], output_size: usize) {
    let checked = model.check_request(input, output_size);
    let inferred = model.infer(input, output_size, &mut NoProbe).map(|_| ());
    assert_eq!(checked, inferred, "input of {} bytes, output size {output_size}", input.len());
}

fn tokens(ids: &[u32]) -> Vec<u8> {
    ids.iter().flat_map(|t| t.to_le_bytes()).collect()
}

#[test]
fn the_check_agrees_with_inference_on_the_digits_model() {
    let model = Model::parse(&common::fixture("digits.axml")).unwrap();
    let image = vec![0u8; 64];
    for (input, output_size) in
        [(&image[..], 10), (&image[..], 11), (&image[..], 0), (&image[..63], 10), (&[][..], 10)]
    {
        agree(&model, input, output_size);
    }
    assert!(model.check_request(&image, 10).is_ok());
}

#[test]
fn the_check_agrees_with_inference_on_the_tiny_llama() {
    let model = Model::parse(&common::fixture("tiny-llama.bin")).unwrap();
    let Model::Llama(llama) = &model else { panic!("a llama2.c checkpoint") };
    let (vocab, context) = (llama.config().vocab_size as u32, llama.config().seq_len);
    let cases = [
        (tokens(&[]), 8),
        (tokens(&[BOS, 5]), 8),
        (vec![1, 2, 3], 8),
        (tokens(&[BOS]), 7),
        (tokens(&[vocab]), 4),
        (tokens(&[vocab]), 0),
        (tokens(&[BOS, vocab]), 4),
        (tokens(&[BOS]), 4 * context),
        (tokens(&[BOS]), 4 * (context + 1)),
    ];
    for (input, output_size) in &cases {
        agree(&model, input, *output_size);
    }
}
