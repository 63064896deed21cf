console.log("tokenizers: pending")
