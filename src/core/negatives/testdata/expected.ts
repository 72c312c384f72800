import type { NegativeGeneratorType } from "../types.js";

/**
 * Hand-checked negatives (seed 1) for 20 of the COCO-style captions. Each string was read
 * against the rules: the right word or unit changed, a co-hyponym and never a synonym, the
 * number and the a/an kept in agreement, capital and final mark in place, "" where a type
 * cannot apply (nounSwap below 3 nouns or for coordinated nouns, nothing in the lexicons).
 */
export const HAND_CHECKED_SEED = 1;

export const HAND_CHECKED: readonly { caption: string; negatives: Record<NegativeGeneratorType, string> }[] =
  [
    {
      caption: "A man riding a red motorcycle down a busy street.",
      negatives: {
        nounSwap: "A motorcycle riding a red man down a busy street.",
        adjectiveReplace: "A man riding a yellow motorcycle down a busy street.",
        nounReplace: "A man riding a red helicopter down a busy street.",
        verbReplace: "A man carrying a red motorcycle down a busy street.",
        prepositionReplace: "A man riding a red motorcycle across a busy street.",
        adjectiveSwap: "A man riding a busy motorcycle down a red street.",
        bigramShuffle: "Down a busy street red motorcycle riding a a man.",
      },
    },
    {
      caption: "Two cats sleeping on a wooden bench.",
      negatives: {
        nounSwap: "",
        adjectiveReplace: "Five cats sleeping on a wooden bench.",
        nounReplace: "Two cats sleeping on a wooden cabinet.",
        verbReplace: "Two cats kneeling on a wooden bench.",
        prepositionReplace: "Two cats sleeping under a wooden bench.",
        adjectiveSwap: "",
        bigramShuffle: "Two cats bench a wooden sleeping on.",
      },
    },
    {
      caption: "A large black dog next to a small white cat.",
      negatives: {
        nounSwap: "",
        adjectiveReplace: "A large black dog next to a small tan cat.",
        nounReplace: "A large black dog next to a small white sheep.",
        verbReplace: "",
        prepositionReplace: "A large black dog above a small white cat.",
        adjectiveSwap: "A large white dog next to a small black cat.",
        bigramShuffle: "Next to a large a small white cat black dog.",
      },
    },
    {
      caption: "An orange cat laying on a glass table next to a remote.",
      negatives: {
        nounSwap: "An orange table laying on a glass cat next to a remote.",
        adjectiveReplace: "A tan cat laying on a glass table next to a remote.",
        nounReplace: "An orange cat laying on a glass desk next to a remote.",
        verbReplace: "An orange cat perching on a glass table next to a remote.",
        prepositionReplace: "An orange cat laying behind a glass table next to a remote.",
        adjectiveSwap: "A glass cat laying on an orange table next to a remote.",
        bigramShuffle: "A remote next to on a cat laying an orange glass table.",
      },
    },
    {
      caption: "A young girl eating a slice of pizza.",
      negatives: {
        nounSwap: "A young slice eating a girl of pizza.",
        adjectiveReplace: "An old girl eating a slice of pizza.",
        nounReplace: "A young baby eating a slice of pizza.",
        verbReplace: "A young girl kicking a slice of pizza.",
        prepositionReplace: "",
        adjectiveSwap: "",
        bigramShuffle: "Of pizza a slice a young girl eating.",
      },
    },
    {
      caption: "A bathroom with a white toilet and a small sink.",
      negatives: {
        nounSwap: "A toilet with a white bathroom and a small sink.",
        adjectiveReplace: "A bathroom with a gray toilet and a small sink.",
        nounReplace: "A bathroom with a white toilet and a small refrigerator.",
        verbReplace: "",
        prepositionReplace: "A bathroom without a white toilet and a small sink.",
        adjectiveSwap: "A bathroom with a small toilet and a white sink.",
        bigramShuffle: "White toilet small sink a bathroom and a with a.",
      },
    },
    {
      caption: "A kitchen with white cabinets and a metal sink.",
      negatives: {
        nounSwap: "A cabinet with white kitchens and a metal sink.",
        adjectiveReplace: "A kitchen with white cabinets and a wooden sink.",
        nounReplace: "A kitchen with white beds and a metal sink.",
        verbReplace: "",
        prepositionReplace: "A kitchen without white cabinets and a metal sink.",
        adjectiveSwap: "A kitchen with metal cabinets and a white sink.",
        bigramShuffle: "With white a kitchen cabinets and a metal sink.",
      },
    },
    {
      caption: "Two dogs chasing a ball in a park.",
      negatives: {
        nounSwap: "Two balls chasing a dog in a park.",
        adjectiveReplace: "Four dogs chasing a ball in a park.",
        nounReplace: "Two elephants chasing a ball in a park.",
        verbReplace: "Two dogs eating a ball in a park.",
        prepositionReplace: "Two dogs chasing a ball behind a park.",
        adjectiveSwap: "",
        bigramShuffle: "Ball in chasing a a park two dogs.",
      },
    },
    {
      caption: "Sheep grazing in a green field.",
      negatives: {
        nounSwap: "",
        adjectiveReplace: "Sheep grazing in a red field.",
        nounReplace: "Pigs grazing in a green field.",
        verbReplace: "Sheep running in a green field.",
        prepositionReplace: "Sheep grazing on a green field.",
        adjectiveSwap: "",
        bigramShuffle: "Green field in a sheep grazing.",
      },
    },
    {
      caption: "A small child sitting on a couch with a teddy bear.",
      negatives: {
        nounSwap: "A small couch sitting on a child with a teddy bear.",
        adjectiveReplace: "A big child sitting on a couch with a teddy bear.",
        nounReplace: "A small child sitting on a chair with a teddy bear.",
        verbReplace: "A small child leaning on a couch with a teddy bear.",
        prepositionReplace: "A small child sitting next to a couch with a teddy bear.",
        adjectiveSwap: "",
        bigramShuffle: "A small child sitting couch with on a bear a teddy.",
      },
    },
    {
      caption: "A pizza with cheese and tomatoes on a wooden table.",
      negatives: {
        nounSwap: "A cheese with pizza and tomatoes on a wooden table.",
        adjectiveReplace: "A pizza with cheese and tomatoes on a plastic table.",
        nounReplace: "A pizza with cheese and tomatoes on a wooden bench.",
        verbReplace: "",
        prepositionReplace: "A pizza without cheese and tomatoes on a wooden table.",
        adjectiveSwap: "",
        bigramShuffle: "On a a pizza wooden table with cheese and tomatoes.",
      },
    },
    {
      caption: "A man rides a horse on the beach.",
      negatives: {
        nounSwap: "A horse rides a man on the beach.",
        adjectiveReplace: "",
        nounReplace: "A man rides a pig on the beach.",
        verbReplace: "A man grabs a horse on the beach.",
        prepositionReplace: "A man rides a horse under the beach.",
        adjectiveSwap: "",
        bigramShuffle: "Rides a horse on a man the beach.",
      },
    },
    {
      caption: "A blue truck parked next to a red car.",
      negatives: {
        nounSwap: "",
        adjectiveReplace: "A silver truck parked next to a red car.",
        nounReplace: "A blue truck parked next to a red train.",
        verbReplace: "",
        prepositionReplace: "A blue truck parked on a red car.",
        adjectiveSwap: "A red truck parked next to a blue car.",
        bigramShuffle: "A blue car a red next to truck parked.",
      },
    },
    {
      caption: "Three people riding bikes down a road.",
      negatives: {
        nounSwap: "Three bikes riding people down a road.",
        adjectiveReplace: "Seven people riding bikes down a road.",
        nounReplace: "Three people riding vans down a road.",
        verbReplace: "Three people drinking bikes down a road.",
        prepositionReplace: "Three people riding bikes out of a road.",
        adjectiveSwap: "",
        bigramShuffle: "Down a road three people riding bikes.",
      },
    },
    {
      caption: "Two women sitting on a bench in a park.",
      negatives: {
        nounSwap: "Two benches sitting on a woman in a park.",
        adjectiveReplace: "Eleven women sitting on a bench in a park.",
        nounReplace: "Two women sitting on a bench in a restaurant.",
        verbReplace: "Two women perching on a bench in a park.",
        prepositionReplace: "Two women sitting on a bench above a park.",
        adjectiveSwap: "",
        bigramShuffle: "Two women a bench park sitting on in a.",
      },
    },
    {
      caption: "A green traffic light over an empty street.",
      negatives: {
        nounSwap: "",
        adjectiveReplace: "A green traffic light over a busy street.",
        nounReplace: "A green parking meter over an empty street.",
        verbReplace: "",
        prepositionReplace: "A green traffic light next to an empty street.",
        adjectiveSwap: "An empty traffic light over a green street.",
        bigramShuffle: "Traffic light empty street a green over an.",
      },
    },
    {
      caption: "A giraffe eating leaves from a tall tree.",
      negatives: {
        nounSwap: "A leaf eating giraffes from a tall tree.",
        adjectiveReplace: "A giraffe eating leaves from a short tree.",
        nounReplace: "A bear eating leaves from a tall tree.",
        verbReplace: "A giraffe washing leaves from a tall tree.",
        prepositionReplace: "",
        adjectiveSwap: "",
        bigramShuffle: "From a tall tree eating leaves a giraffe.",
      },
    },
    {
      caption: "A plate with eggs, bacon and toast.",
      negatives: {
        nounSwap: "An egg with plates, bacon and toast.",
        adjectiveReplace: "",
        nounReplace: "A plate with tomatoes, bacon and toast.",
        verbReplace: "",
        prepositionReplace: "A plate without eggs, bacon and toast.",
        adjectiveSwap: "",
        bigramShuffle: "Bacon and a plate with eggs, toast.",
      },
    },
    {
      caption: "A man sitting on a bench. A dog lies at his feet.",
      negatives: {
        nounSwap: "A bench sitting on a man. A dog lies at his feet.",
        adjectiveReplace: "",
        nounReplace: "A man sitting on a bed. A dog lies at his feet.",
        verbReplace: "A man sitting on a bench. A dog sits at his feet.",
        prepositionReplace: "A man sitting in a bench. A dog lies at his feet.",
        adjectiveSwap: "",
        bigramShuffle: "A man his feet sitting on lies at a dog a bench.",
      },
    },
    {
      caption: "Children playing with a ball in a yard.",
      negatives: {
        nounSwap: "Balls playing with a child in a yard.",
        adjectiveReplace: "",
        nounReplace: "Men playing with a ball in a yard.",
        verbReplace: "",
        prepositionReplace: "Children playing without a ball in a yard.",
        adjectiveSwap: "",
        bigramShuffle: "Ball in a yard with a children playing.",
      },
    },
  ];
